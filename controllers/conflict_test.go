package controllers

import (
	"context"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// An object with a child's name that the operator did not create (central
// ops' own policy, or one a province administrator labelled to look like
// the operator's) is a conflict: never adopted, never changed, never deleted.
func TestAnObjectTheOperatorDidNotCreateIsNeverTakenOver(t *testing.T) {
	ensureNational(t)
	cases := map[string]func(p *platformv1alpha1.ProvincePortal) client.Object{
		"central ops' policy": func(p *platformv1alpha1.ProvincePortal) client.Object {
			return &networkingv1.NetworkPolicy{
				ObjectMeta: metav1.ObjectMeta{Name: render.PortalOwner(p).Name("default-deny"), Namespace: p.Namespace},
				Spec:       networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}},
			}
		},
		"a look-alike SubCA Certificate pointing its owner reference at the portal": func(p *platformv1alpha1.ProvincePortal) client.Object {
			return &cmapi.Certificate{
				ObjectMeta: metav1.ObjectMeta{Name: render.PortalOwner(p).Name(render.RoleSubCA), Namespace: p.Namespace,
					OwnerReferences: []metav1.OwnerReference{{APIVersion: platformv1alpha1.GroupVersion.String(), Kind: "ProvincePortal",
						Name: p.Name, UID: p.UID, Controller: ptr.To(true)}}},
				Spec: cmapi.CertificateSpec{SecretName: "rogue", IsCA: true, DNSNames: []string{"dichvucong.gov.vn"},
					IssuerRef: cmmeta.IssuerReference{Name: "self-signed", Kind: cmapi.IssuerKind}},
			}
		},
		"a ConfigMap labelled to look like the operator's": func(p *platformv1alpha1.ProvincePortal) client.Object {
			return &corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Name: render.PortalOwner(p).Name(render.RoleInterconnect), Namespace: p.Namespace,
					Labels: map[string]string{render.LabelManagedBy: render.ManagedBy, render.LabelInstance: p.Name}},
				Data: map[string]string{"EGOV_NATIONAL_SYNC_URL": "https://attacker.example"},
			}
		},
	}
	codes := []string{"86", "91", "92"}
	for name, squatter := range cases {
		t.Run(name, func(t *testing.T) {
			p := province(t, codes[0], func(p *platformv1alpha1.ProvincePortal) {
				p.Annotations = map[string]string{platformv1alpha1.PausedAnnotation: "true"}
			})
			codes = codes[1:]
			obj := squatter(p)
			create(t, obj)
			change(t, p, func() { delete(p.Annotations, platformv1alpha1.PausedAnnotation) })
			stalled := waitStalled(t, p, platformv1alpha1.ReasonNameConflict)
			if !strings.Contains(stalled.Message, obj.GetName()) {
				t.Errorf("NameConflict does not name %s: %s", obj.GetName(), stalled.Message)
			}
			live := obj.DeepCopyObject().(client.Object)
			if err := exists(live); err != nil {
				t.Fatal(err)
			}
			if live.GetResourceVersion() != obj.GetResourceVersion() || len(live.GetOwnerReferences()) != len(obj.GetOwnerReferences()) {
				t.Errorf("%s was taken over: owners %v, resourceVersion %s → %s", obj.GetName(), live.GetOwnerReferences(), obj.GetResourceVersion(), live.GetResourceVersion())
			}
			// Deleting the portal leaves the object alone.
			deletePortal(t, p)
			if err := exists(live); err != nil {
				t.Errorf("%s went with the portal: %v", obj.GetName(), err)
			}
		})
	}
}

// A child the API server refuses as invalid stalls the object with the
// server's message: retrying cannot help.
func TestAChildTheAPIServerRefusesStalls(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "92"))
	owner := render.PortalOwner(p)
	invalid := render.ConfigMap(owner, "Not_A_DNS_Name", map[string]string{"k": "v"})
	_, err := Applier{Client: k8s, Reader: k8s, Scheme: testenv.Scheme()}.Apply(context.Background(), invalid)
	u, ok := conditions.AsUserError(err)
	if !ok || u.Reason != platformv1alpha1.ReasonChildRejected || !strings.Contains(u.Message, "Not_A_DNS_Name") {
		t.Fatalf("apply of an invalid child: %v", err)
	}
}
