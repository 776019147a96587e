package controllers

import (
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// deps are what every reconciler uses.
type deps struct {
	client.Client
	// APIReader reads straight from the API server what the cache does not
	// hold: Secrets' data, and the users' own Issuers.
	APIReader client.Reader
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
	// Secrets watches Secrets in the province namespaces alone.
	Secrets *provinceSecrets
	// GoodSignatures remembers the leaves found signed by their SubCA's
	// current key, SigningCertificates the certificates document exchange
	// nodes sign with, SecretDigests the digests of the users' Secrets: by
	// the versions of the Secrets they were read at.
	GoodSignatures      *byVersion[struct{}]
	SigningCertificates *byVersion[*platformv1alpha1.SigningCertificateStatus]
	SecretDigests       *byVersion[string]
}

// applier returns the Applier the reconcilers apply children with.
func (d deps) applier() Applier {
	return Applier{Client: d.Client, Reader: d.APIReader, Scheme: d.Scheme(), Secrets: d.Secrets}
}

// DefaultMaxConcurrentReconciles is how many objects of each kind the
// manager reconciles at once: with one, the API server idles between one
// stack's requests while the next stacks wait. controller-runtime never
// reconciles one object twice at once.
const DefaultMaxConcurrentReconciles = 4

// Setup registers every controller with the manager.
func Setup(mgr ctrl.Manager) error {
	return setup(mgr, clock.RealClock{})
}

// setup registers every controller, reading the time from clk: tests move
// it rather than wait out a deadline.
func setup(mgr ctrl.Manager, clk clock.PassiveClock) error {
	d := deps{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorder("egov-operator"), Clock: clk,
		Secrets:        newProvinceSecrets(mgr.GetConfig(), cache.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper()}, mgr.GetAPIReader()),
		GoodSignatures: newByVersion[struct{}](), SigningCertificates: newByVersion[*platformv1alpha1.SigningCertificateStatus](),
		SecretDigests: newByVersion[string]()}
	if err := mgr.Add(d.Secrets); err != nil {
		return err
	}
	if err := registerMetrics(d); err != nil {
		return err
	}
	for _, register := range []func(ctrl.Manager) error{
		(&ProvincePortalReconciler{deps: d}).SetupWithManager,
		(&OneStopShopReconciler{deps: d}).SetupWithManager,
		(&DocExchangeNodeReconciler{deps: d}).SetupWithManager,
		(&IntegrationPlatformReconciler{deps: d}).SetupWithManager,
		(&NationalPlatformReconciler{deps: d}).SetupWithManager,
		(&PlatformReleaseReconciler{deps: d}).SetupWithManager,
		(&ProvinceReconciler{deps: d}).SetupWithManager,
		(&FleetRolloutReconciler{deps: d}).SetupWithManager,
	} {
		if err := register(mgr); err != nil {
			return err
		}
	}
	return nil
}
