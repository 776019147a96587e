package render

import platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"

// EffectiveRelease is the release a province runs: its own pin, else the
// release a rollout assigned to its province and environment, else the
// national default. Every namespaced kind resolves its release through this
// one function (OneStopShop and DocExchangeNode through their portal's).
func EffectiveRelease(pin, assigned, nationalDefault platformv1alpha1.ReleaseName) string {
	for _, r := range []platformv1alpha1.ReleaseName{pin, assigned} {
		if r != "" {
			return string(r)
		}
	}
	return string(nationalDefault)
}

// FindComponent returns the release's component of the given name.
func FindComponent(r *platformv1alpha1.PlatformRelease, name string) (platformv1alpha1.Component, bool) {
	for _, c := range r.Spec.Components {
		if c.Name == name {
			return c, true
		}
	}
	return platformv1alpha1.Component{}, false
}
