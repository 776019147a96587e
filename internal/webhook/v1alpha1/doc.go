// Package v1alpha1 holds the admission webhooks of the platform.egov.vn
// v1alpha1 kinds: the checks CEL cannot make because they read other
// objects. They read through the manager's cached client; every object they
// read (ProvincePortals, PlatformReleases, the NationalPlatform, Namespaces'
// metadata) is cached whole, never filtered by the operator's label.
//
// A refusal is for what can never become right (a second claim on a
// province); a reference to an object that does not exist yet is a warning,
// since GitOps applies objects in any order. Deletes are never intercepted.
package v1alpha1
