package v1alpha1

import ctrl "sigs.k8s.io/controller-runtime"

// SetupWebhooksWithManager registers every webhook of this version with the manager.
func SetupWebhooksWithManager(mgr ctrl.Manager) error {
	for _, setup := range []func(ctrl.Manager) error{
		SetupProvincePortalWebhookWithManager,
		SetupOneStopShopWebhookWithManager,
		SetupDocExchangeNodeWebhookWithManager,
		SetupNationalPlatformWebhookWithManager,
		SetupFleetRolloutWebhookWithManager,
	} {
		if err := setup(mgr); err != nil {
			return err
		}
	}
	return nil
}
