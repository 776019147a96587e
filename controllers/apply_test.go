package controllers

import (
	"context"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

func testOwner() render.Owner {
	portal := &platformv1alpha1.ProvincePortal{ObjectMeta: metav1.ObjectMeta{Name: "hanoi", Namespace: "egov-hanoi", UID: "8d1c"}}
	return render.Owner{Object: portal, Kind: "ProvincePortal", Province: "01", Environment: "production"}
}

func portalPolicy() client.Object {
	o := testOwner()
	ingressController := networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "ingress-nginx"}}}
	return render.ComponentPolicy(o, render.RolePortal, []networkingv1.NetworkPolicyPeer{ingressController}, nil)
}

// documentsStatefulSet is a StatefulSet with an empty update strategy and a
// claim template, both of which the API server fills with defaults.
func documentsStatefulSet() client.Object {
	o := testOwner()
	return &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: o.Meta(render.RoleEdxmlNode, render.RoleEdxmlNode),
		Spec: appsv1.StatefulSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: o.SelectorLabels(render.RoleEdxmlNode)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: o.SelectorLabels(render.RoleEdxmlNode)},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: render.RoleEdxmlNode, Image: "registry.egov.vn/platform/edxml-node:2.5.0"}}},
			},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
				ObjectMeta: metav1.ObjectMeta{Name: render.DocumentsVolume},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("20Gi")}},
				},
			}},
		},
	}
}

func portalCertificate() client.Object {
	return render.ServingCertificate(testOwner(), render.RolePortal, "dichvucong.hanoi.gov.vn", render.SubCAIssuerRef("hanoi"))
}

// appliedFields returns the fields the API server records as owned by an
// apply of obj.
func appliedFields(t *testing.T, obj client.Object) *fieldpath.Set {
	t.Helper()
	u, err := render.Unstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	value, err := typeConverter(testenv.Scheme(), u.GroupVersionKind()).ObjectToTyped(u)
	if err != nil {
		t.Fatal(err)
	}
	fields, err := value.ToFieldSet()
	if err != nil {
		t.Fatal(err)
	}
	return fields.Difference(untracked)
}

// setOwned records owned as egov-operator's apply entry on obj, beside another manager's.
func setOwned(t *testing.T, obj client.Object, owned *fieldpath.Set) {
	t.Helper()
	fields, err := owned.ToJSON()
	if err != nil {
		t.Fatal(err)
	}
	obj.SetManagedFields([]metav1.ManagedFieldsEntry{
		{Manager: "kubectl-edit", Operation: metav1.ManagedFieldsOperationUpdate, FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(`{"f:metadata":{"f:labels":{"f:team.example/owner":{}}}}`)},
		{Manager: render.ManagedBy, Operation: metav1.ManagedFieldsOperationApply, FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(string(fields))},
	})
}

func path(elements ...any) *fieldpath.Set {
	return fieldpath.NewSet(fieldpath.MakePathOrDie(elements...))
}

func TestOwnedDriftDecidesAsServerSideApply(t *testing.T) {
	policy := func(live client.Object) *networkingv1.NetworkPolicy { return live.(*networkingv1.NetworkPolicy) }
	cases := []struct {
		name string
		// applied is what egov-operator last applied; the live object starts as it.
		applied client.Object
		// change changes the live object, or the fields egov-operator owns in it.
		change   func(live client.Object, owned *fieldpath.Set) *fieldpath.Set
		desired  client.Object
		upToDate bool
	}{
		{
			name: "the applied object", applied: portalPolicy(), desired: portalPolicy(), upToDate: true,
		},
		{
			name: "a label of another manager", applied: portalPolicy(), desired: portalPolicy(), upToDate: true,
			change: func(live client.Object, owned *fieldpath.Set) *fieldpath.Set {
				live.GetLabels()["team.example/owner"] = "provincial-it"
				return owned
			},
		},
		{
			name: "an allow-all rule appended to an atomic list", applied: portalPolicy(), desired: portalPolicy(),
			change: func(live client.Object, owned *fieldpath.Set) *fieldpath.Set {
				policy(live).Spec.Ingress = append(policy(live).Spec.Ingress, networkingv1.NetworkPolicyIngressRule{})
				return owned
			},
		},
		{
			name: "an atomic list another manager took over, holding the same rules", applied: portalPolicy(), desired: portalPolicy(),
			change: func(_ client.Object, owned *fieldpath.Set) *fieldpath.Set {
				return owned.Difference(path("spec", "ingress"))
			},
		},
		{
			name: "a selector given to a policy of every pod", applied: render.DefaultDenyPolicy(testOwner()), desired: render.DefaultDenyPolicy(testOwner()),
			change: func(live client.Object, owned *fieldpath.Set) *fieldpath.Set {
				policy(live).Spec.PodSelector.MatchLabels = map[string]string{"app": "nothing"}
				return owned
			},
		},
		{
			name: "a changed value of an owned field", applied: portalPolicy(), desired: portalPolicy(),
			change: func(live client.Object, owned *fieldpath.Set) *fieldpath.Set {
				policy(live).Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
				return owned
			},
		},
		{
			name: "a field the render no longer produces", desired: portalPolicy(),
			applied: func() client.Object {
				p := portalPolicy()
				p.GetLabels()[render.LabelVersion] = "4.2.0"
				return p
			}(),
		},
		{
			name: "an object egov-operator never applied", applied: portalPolicy(), desired: portalPolicy(),
			change: func(client.Object, *fieldpath.Set) *fieldpath.Set { return &fieldpath.Set{} },
		},
		{
			name: "defaults the API server filled in", applied: documentsStatefulSet(), desired: documentsStatefulSet(), upToDate: true,
			change: func(live client.Object, owned *fieldpath.Set) *fieldpath.Set {
				sts := live.(*appsv1.StatefulSet)
				sts.Spec.UpdateStrategy = appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType,
					RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr.To[int32](0)}}
				claim := &sts.Spec.VolumeClaimTemplates[0]
				claim.Spec.VolumeMode = ptr.To(corev1.PersistentVolumeFilesystem)
				claim.Status.Phase = corev1.ClaimPending
				return owned
			},
		},
		{
			name: "a claim template changed by the render", applied: documentsStatefulSet(),
			desired: func() client.Object {
				sts := documentsStatefulSet().(*appsv1.StatefulSet)
				sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("50Gi")
				return sts
			}(),
		},
		{
			name: "the applied certificate", applied: portalCertificate(), desired: portalCertificate(), upToDate: true,
		},
		{
			name: "a DNS name appended to a certificate", applied: portalCertificate(), desired: portalCertificate(),
			change: func(live client.Object, owned *fieldpath.Set) *fieldpath.Set {
				cert := live.(*cmapi.Certificate)
				cert.Spec.DNSNames = append(cert.Spec.DNSNames, "dichvucong.hatinh.gov.vn")
				return owned
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			live := c.applied.DeepCopyObject().(client.Object)
			owned := appliedFields(t, c.applied)
			if c.change != nil {
				owned = c.change(live, owned)
			}
			if !owned.Empty() {
				setOwned(t, live, owned)
			}
			desired, err := render.Unstructured(withServerDefaults(c.desired))
			if err != nil {
				t.Fatal(err)
			}
			drift, err := ownedDrift(typeConverter(testenv.Scheme(), desired.GroupVersionKind()), live, desired)
			if err != nil {
				t.Fatal(err)
			}
			if upToDate := drift == ""; upToDate != c.upToDate {
				t.Errorf("up to date: got %v, want %v (drift: %s)", upToDate, c.upToDate, drift)
			}
		})
	}
}

// A child the API server refuses as invalid stalls its owner: the render
// asks for what the server refuses. But an admission policy the server
// could not configure yet (its parameters' kind not served after a
// restart) answers Invalid too; that refusal passes, so the owner retries.
func TestOnlyARefusalOfTheRenderStallsTheOwner(t *testing.T) {
	invalid := func(message string) error {
		return &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: 422, Reason: metav1.StatusReasonInvalid, Message: message}}
	}
	cases := map[string]struct {
		refusal error
		stalls  bool
	}{
		"the render is invalid": {invalid(`NetworkPolicy.networking.k8s.io "hanoi-portal" is invalid: spec.ingress[0].ports[0].port: Invalid value: 0`), true},
		"a policy not configured yet": {invalid(`certificates.cert-manager.io "hanoi-ca" is forbidden: ValidatingAdmissionPolicy 'national-ca' with binding 'national-ca-binding' denied request: ` +
			"failed to configure binding: paramKind kind `platform.egov.vn/v1alpha1, Kind=NationalPlatform` not yet synced to use for admission"), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := interceptor.NewClient(fake.NewClientBuilder().WithScheme(testenv.Scheme()).Build(), interceptor.Funcs{
				Apply: func(context.Context, client.WithWatch, runtime.ApplyConfiguration, ...client.ApplyOption) error {
					return tc.refusal
				},
			})
			_, err := Applier{Client: c, Reader: c, Scheme: testenv.Scheme()}.Apply(context.Background(), portalPolicy())
			u, stalled := conditions.AsUserError(err)
			if err == nil || stalled != tc.stalls || (stalled && u.Reason != platformv1alpha1.ReasonChildRejected) {
				t.Errorf("Apply = %v; want an error that stalls the owner: %v", err, tc.stalls)
			}
		})
	}
}
