package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

// The tests of this file play a hostile province administrator, who may
// write the namespaced kinds and ordinary objects of their own namespace:
// nothing they write may reach beyond their province.

// absent fails the test when obj exists.
func absent(t *testing.T, obj client.Object) {
	t.Helper()
	if err := exists(obj); !apierrors.IsNotFound(err) {
		t.Errorf("%T %s must not exist: %v", obj, obj.GetName(), err)
	}
}

// waitStalledObject waits for obj to be Stalled with reason for its current generation.
func waitStalledObject(t *testing.T, obj object, reason string) *platformv1alpha1.CommonStatus {
	t.Helper()
	eventually(t, fmt.Sprintf("%T %s Stalled with %s", obj, obj.GetName(), reason), func() error {
		if err := exists(obj); err != nil {
			return err
		}
		status := obj.StatusCommon()
		if c := condOf(obj, platformv1alpha1.ConditionStalled); c == nil || c.Reason != reason || status.ObservedGeneration != obj.GetGeneration() {
			return fmt.Errorf("conditions %+v, observedGeneration %d of %d", status.Conditions, status.ObservedGeneration, obj.GetGeneration())
		}
		return nil
	})
	return obj.StatusCommon()
}

// A portal of Cao Bằng cannot be served at, or get a SubCA for, a domain that
// is not Cao Bằng's: all of gov.vn, another province's host, or a name that
// merely ends like Cao Bằng's domain.
func TestPortalOutsideItsProvincesDomainsGetsNoSubCAAndNoIngress(t *testing.T) {
	ensureNational(t)
	p := province(t, "04", func(p *platformv1alpha1.ProvincePortal) { p.Spec.Domain = "gov.vn" })
	for i, domain := range []platformv1alpha1.DNSName{"gov.vn", "dichvucong.hanoi.gov.vn", "dichvucong.notcaobang.gov.vn"} {
		if i > 0 {
			change(t, p, func() { p.Spec.Domain = domain })
		}
		stalled := waitStalled(t, p, platformv1alpha1.ReasonDomainNotAssigned)
		if !strings.Contains(stalled.Message, string(domain)) || !strings.Contains(stalled.Message, "caobang.gov.vn") {
			t.Errorf("the message must name %s and the province's domain: %s", domain, stalled.Message)
		}
		absent(t, portalChild(p, &cmapi.Certificate{}, render.RoleSubCA))
		absent(t, portalChild(p, &cmapi.Certificate{}, render.RolePortal))
		absent(t, portalChild(p, &networkingv1.Ingress{}, render.RolePortal))
	}
	change(t, p, func() { p.Spec.Domain = "dichvucong.caobang.gov.vn" })
	waitReady(t, p)
}

// A one-stop-shop is served, and its certificate requested, only at a host of
// its province, whoever signs the certificate: a public issuer on the portal
// does not open other provinces' hosts, nor does a portal moved to a foreign
// domain after its SubCA was issued.
func TestOneStopShopOutsideItsProvincesDomainsIsNotServed(t *testing.T) {
	ensureNational(t)
	create(t, &cmapi.ClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: "public-tls"},
		Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{SelfSigned: &cmapi.SelfSignedIssuer{}}},
	})
	p := waitReady(t, province(t, "08", func(p *platformv1alpha1.ProvincePortal) {
		p.Spec.Ingress = &platformv1alpha1.PortalIngress{IssuerRef: &platformv1alpha1.IssuerReference{Name: "public-tls", Kind: "ClusterIssuer", Group: "cert-manager.io"}}
	}))
	s := oneStopShop(t, p, true, func(s *platformv1alpha1.OneStopShop) { s.Spec.Domain = "motcua.hanoi.gov.vn" })
	owner := render.OneStopShopOwner(s, p)
	ingress := &networkingv1.Ingress{}
	ingress.Namespace, ingress.Name = p.Namespace, owner.Name(render.RoleMotcuaWeb)
	tlsCertificate := &cmapi.Certificate{}
	tlsCertificate.Namespace, tlsCertificate.Name = p.Namespace, owner.Name(render.RoleMotcuaTLS)

	status := waitStalledObject(t, s, platformv1alpha1.ReasonDomainNotAssigned)
	if msg := condOf(s, platformv1alpha1.ConditionStalled).Message; !strings.Contains(msg, "motcua.hanoi.gov.vn") {
		t.Errorf("the message must name the host: %s (%+v)", msg, status.Conditions)
	}
	absent(t, ingress)
	absent(t, tlsCertificate)

	// A host of the province outside the portal's own domain is the province's.
	change(t, s, func() { s.Spec.Domain = "motcua.tuyenquang.gov.vn" })
	waitObjectReady(t, s)
	if err := exists(ingress); err != nil || ingress.Spec.Rules[0].Host != "motcua.tuyenquang.gov.vn" {
		t.Fatalf("ingress %v: %+v", err, ingress.Spec.Rules)
	}

	// Served under the portal's domain, the system follows the portal's
	// domain only while it is the province's.
	change(t, s, func() { s.Spec.Domain = "" })
	waitObjectReady(t, s)
	change(t, p, func() { p.Spec.Domain = "dichvucong.hanoi.gov.vn" })
	waitForStalledPortal(t, s, platformv1alpha1.ReasonDomainNotAssigned)
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: p.Namespace, Name: ingress.Name}, ingress); err != nil {
		t.Fatal(err)
	}
	if host := ingress.Spec.Rules[0].Host; host != "dichvucong.tuyenquang.gov.vn" {
		t.Errorf("the one-stop-shop's Ingress moved to %s", host)
	}
}

// The national CA signs SubCAs only: named as a portal's public issuer,
// directly or through another ClusterIssuer backed by its key, it would sign
// the province's TLS certificates without the SubCA's name constraints.
func TestNationalCAIsNoPublicIssuer(t *testing.T) {
	ensureNational(t)
	create(t, &cmapi.ClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: "national-ca-again"},
		Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{CA: &cmapi.CAIssuer{SecretName: "national-ca"}}},
	})
	p := waitReady(t, province(t, "11"))
	s := oneStopShop(t, p, true, func(s *platformv1alpha1.OneStopShop) { s.Spec.Domain = "motcua.dienbien.gov.vn" })
	waitObjectReady(t, s)
	owner := render.OneStopShopOwner(s, p)
	for _, issuer := range []string{"national-ca", "national-ca-again"} {
		change(t, p, func() {
			p.Spec.Ingress = &platformv1alpha1.PortalIngress{IssuerRef: &platformv1alpha1.IssuerReference{Name: issuer, Kind: "ClusterIssuer", Group: "cert-manager.io"}}
		})
		stalled := waitStalled(t, p, platformv1alpha1.ReasonIssuerNotAllowed)
		if !strings.Contains(stalled.Message, issuer) {
			t.Errorf("the message must name %s: %s", issuer, stalled.Message)
		}
		waitForStalledPortal(t, s, platformv1alpha1.ReasonIssuerNotAllowed)
		for _, cert := range []*cmapi.Certificate{
			portalChild(p, &cmapi.Certificate{}, render.RolePortal).(*cmapi.Certificate),
			{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: owner.Name(render.RoleMotcuaTLS)}},
		} {
			if err := exists(cert); err != nil {
				t.Fatal(err)
			}
			if cert.Spec.IssuerRef.Name != render.SubCAIssuerName(p.Name) {
				t.Errorf("Certificate %s is issued by %s", cert.Name, cert.Spec.IssuerRef.Name)
			}
		}
	}
	change(t, p, func() { p.Spec.Ingress = nil })
	waitReady(t, p)
	waitObjectReady(t, s)
}

// A portal claiming another province's code from a namespace central ops
// assigned elsewhere is stalled itself, and locks the real province out of
// nothing; its claim counts from the moment central ops assign the namespace.
func TestClaimFromANamespaceNotAssignedToItBlocksNobody(t *testing.T) {
	ensureNational(t)
	// Lào Cai's namespace (15), claiming Lai Châu (12).
	squatter := province(t, "15", func(p *platformv1alpha1.ProvincePortal) {
		p.Name, p.Spec.Province.Code, p.Spec.Domain = "laichau", "12", "dichvucong.laichau.gov.vn"
	})
	waitStalled(t, squatter, platformv1alpha1.ReasonNamespaceNotAssigned)
	// Claims are ordered by creationTimestamp, which has a resolution of a second.
	time.Sleep(1100 * time.Millisecond)
	served := waitReady(t, province(t, "12"))

	// Central ops assign the squatter's namespace to 12 after all: the older
	// claim counts now, and the newer one stalls until the assignment goes.
	setProvinceLabel(t, squatter.Namespace, "12")
	stalled := waitStalled(t, served, platformv1alpha1.ReasonProvinceClaimed)
	if !strings.Contains(stalled.Message, squatter.Namespace+"/"+squatter.Name) {
		t.Errorf("the message must name the older claim: %s", stalled.Message)
	}
	setProvinceLabel(t, squatter.Namespace, "15")
	waitReady(t, served)
}

func setProvinceLabel(t *testing.T, namespace, code string) {
	t.Helper()
	ns := &corev1.Namespace{}
	ns.Name = namespace
	change(t, ns, func() { ns.Labels[platformv1alpha1.ProvinceLabel] = code })
}

// A claim with a DocExchangeNode's labels that names someone else's volume,
// bound or not, never gets that volume touched: neither while the node runs
// nor when it is deleted.
func TestDocExchangeNodeRetainsOnlyItsClaimsOwnVolumes(t *testing.T) {
	ensureNational(t)
	ctx := context.Background()
	p := waitReady(t, province(t, "44"))
	d := docExchangeNode(t, p)
	waitObjectReady(t, d)

	// Another province's volume, bound to that province's claim.
	victim := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "pv-victim-" + p.Namespace},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("20Gi")},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimDelete,
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/victim"}},
			ClaimRef:                      &corev1.ObjectReference{Namespace: "egov-hanoi", Name: "documents-hanoi-edxml-node-0", UID: "0b1d0b8e-0000-4000-8000-000000000001"},
		},
	}
	create(t, victim)
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), victim) })
	labels := render.DocExchangeOwner(d, p).Labels(render.RoleEdxmlNode)
	for _, name := range []string{"stolen-pending", "stolen-bound"} {
		claim := &corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: p.Namespace, Labels: labels},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				VolumeName:  victim.Name,
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("20Gi")}},
			},
		}
		create(t, claim)
		if name == "stolen-bound" {
			claim.Status = corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound, Capacity: claim.Spec.Resources.Requests}
			if err := k8s.Status().Update(ctx, claim); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The node has seen stolen-bound Bound once only stolen-pending is left unbound.
	eventually(t, "the node saw both claims, one of them Bound", func() error {
		if err := exists(d); err != nil {
			return err
		}
		bound := condOf(d, platformv1alpha1.ConditionStorageBound)
		if bound == nil || !strings.HasSuffix(bound.Message, "[stolen-pending]") {
			return fmt.Errorf("claims %v, StorageBound %+v", d.Status.Claims, bound)
		}
		return nil
	})
	victimPolicy := func() corev1.PersistentVolumeReclaimPolicy {
		t.Helper()
		if err := exists(victim); err != nil {
			t.Fatal(err)
		}
		return victim.Spec.PersistentVolumeReclaimPolicy
	}
	if got := victimPolicy(); got != corev1.PersistentVolumeReclaimDelete {
		t.Fatalf("the running node changed another claim's volume to %s", got)
	}

	if err := k8s.Delete(ctx, d); err != nil {
		t.Fatal(err)
	}
	eventually(t, "node deleted", func() error {
		if err := exists(&platformv1alpha1.DocExchangeNode{ObjectMeta: d.ObjectMeta}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there: %v", err)
		}
		return nil
	})
	if got := victimPolicy(); got != corev1.PersistentVolumeReclaimDelete {
		t.Errorf("deleting the node changed another claim's volume to %s", got)
	}
	own := &corev1.PersistentVolumeClaim{}
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: p.Namespace, Name: "documents-" + render.DocExchangeStatefulSet(d) + "-0"}, own); err != nil {
		t.Fatal(err)
	}
	ownVolume := &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: own.Spec.VolumeName}}
	if err := exists(ownVolume); err != nil || ownVolume.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimRetain {
		t.Errorf("the node's own volume %s: %s (%v)", ownVolume.Name, ownVolume.Spec.PersistentVolumeReclaimPolicy, err)
	}
}

// waitForStalledPortal waits until a follower waits for its portal, which
// is Stalled with reason: the follower changes nothing meanwhile.
func waitForStalledPortal(t *testing.T, follower object, reason string) {
	t.Helper()
	eventually(t, fmt.Sprintf("%T %s waits for its portal (%s)", follower, follower.GetName(), reason), func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(follower), follower); err != nil {
			return err
		}
		c := condOf(follower, platformv1alpha1.ConditionPortalReady)
		if c == nil || c.Reason != platformv1alpha1.ReasonWaitingForPortal || !strings.Contains(c.Message, reason) {
			return fmt.Errorf("PortalReady: %+v", c)
		}
		return nil
	})
}
