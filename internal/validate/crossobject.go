package validate

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// crossObjectFindings applies, among the admitted objects, the rules the
// operator enforces between objects: what it refuses to serve is an error
// (the earlier object in the manifests plays the older one in the
// cluster), and a reference to an object the manifests lack is a warning,
// as the cluster may hold it.
func crossObjectFindings(objects []*admitted) ([]Finding, error) {
	releases, portals := map[string]bool{}, map[string]bool{}
	for _, a := range objects {
		switch a.obj.GetKind() {
		case "PlatformRelease":
			releases[a.obj.GetName()] = true
		case "ProvincePortal":
			portals[a.obj.GetNamespace()+"/"+a.obj.GetName()] = true
		}
	}
	c := &crossCheck{releases: releases, portals: portals, claims: map[string]string{}}
	for _, a := range objects {
		if err := c.check(a); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", a.doc.file, a.doc.root.Line, err)
		}
	}
	return c.findings, nil
}

// crossCheck holds what the objects checked so far claimed and what they
// may reference.
type crossCheck struct {
	releases map[string]bool
	portals  map[string]bool
	// claims maps what one object may hold (a namespace's portal, a
	// province's stack, an organId) to the object holding it.
	claims   map[string]string
	findings []Finding
}

func (c *crossCheck) check(a *admitted) error {
	namespace, name := a.obj.GetNamespace(), a.obj.GetName()
	switch a.obj.GetKind() {
	case "ProvincePortal":
		p := &platformv1alpha1.ProvincePortal{}
		if err := fromUnstructured(a, p); err != nil {
			return err
		}
		if holder, taken := c.claim("ProvincePortal in "+namespace, name); taken {
			c.refuse(a, "metadata.namespace", "namespace %s is already served by ProvincePortal %s: a namespace holds one ProvincePortal", namespace, holder)
		} else if holder, taken := c.claim(fmt.Sprintf("province %s (%s)", p.Spec.Province.Code, p.Spec.Environment), namespace+"/"+name); taken {
			c.refuse(a, "spec.province.code", "province %s (%s) is already served by ProvincePortal %s: use another environment or delete one of the two",
				p.Spec.Province.Code, p.Spec.Environment, holder)
		}
		c.requireRelease(a, "spec.release", string(p.Spec.Release))
	case "OneStopShop":
		s := &platformv1alpha1.OneStopShop{}
		if err := fromUnstructured(a, s); err != nil {
			return err
		}
		if holder, taken := c.claim("OneStopShop in "+namespace, name); taken {
			c.refuse(a, "metadata.namespace", "namespace %s is already served by OneStopShop %s: a namespace holds one", namespace, holder)
		}
		c.requirePortal(a, s.Spec.PortalRef.Name)
	case "DocExchangeNode":
		n := &platformv1alpha1.DocExchangeNode{}
		if err := fromUnstructured(a, n); err != nil {
			return err
		}
		if holder, taken := c.claim(fmt.Sprintf("organId %s in %s", n.Spec.OrganID, namespace), name); taken {
			c.refuse(a, "spec.organId", "DocExchangeNode %s already exchanges documents as %s in namespace %s: each node needs its own organId",
				holder, n.Spec.OrganID, namespace)
		}
		c.requirePortal(a, n.Spec.PortalRef.Name)
	case "FleetRollout":
		r := &platformv1alpha1.FleetRollout{}
		if err := fromUnstructured(a, r); err != nil {
			return err
		}
		c.requireRelease(a, "spec.release", string(r.Spec.Release))
	case "NationalPlatform":
		n := &platformv1alpha1.NationalPlatform{}
		if err := fromUnstructured(a, n); err != nil {
			return err
		}
		c.requireRelease(a, "spec.defaultRelease", string(n.Spec.DefaultRelease))
	}
	return nil
}

// claim records claimant as the holder of what, unless an earlier object
// holds it: then it returns that holder.
func (c *crossCheck) claim(what, claimant string) (holder string, taken bool) {
	if holder, taken := c.claims[what]; taken {
		return holder, true
	}
	c.claims[what] = claimant
	return "", false
}

func (c *crossCheck) refuse(a *admitted, field, format string, args ...any) {
	c.findings = append(c.findings, a.doc.finding(field, fmt.Sprintf(format, args...)))
}

func (c *crossCheck) warn(a *admitted, field, format string, args ...any) {
	f := a.doc.finding(field, fmt.Sprintf(format, args...))
	f.Warning = true
	c.findings = append(c.findings, f)
}

func (c *crossCheck) requireRelease(a *admitted, field, release string) {
	if release != "" && !c.releases[release] {
		c.warn(a, field, "no PlatformRelease %s among the manifests: it must exist in the cluster", release)
	}
}

func (c *crossCheck) requirePortal(a *admitted, portal string) {
	if !c.portals[a.obj.GetNamespace()+"/"+portal] {
		c.warn(a, "spec.portalRef.name", "no ProvincePortal %s in namespace %s among the manifests: it must exist in the cluster", portal, a.obj.GetNamespace())
	}
}

func fromUnstructured(a *admitted, typed any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(a.obj.Object, typed)
}
