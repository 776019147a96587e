package validation

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// installPolicy creates the objects of a file of config/admission for the test.
func installPolicy(t *testing.T, file string) {
	t.Helper()
	objs, err := fleet.ReadManifests(filepath.Join(testenv.RepoRoot(), "config", "admission", file))
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range objs {
		if err := k8s.Create(context.Background(), obj); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = k8s.Delete(context.Background(), obj) })
	}
}

// Nobody but the operator may ask the national CA for a certificate: it
// signs the provincial SubCAs, and a leaf it signed would carry none of
// their name constraints.
func TestOnlyTheOperatorAsksTheNationalCA(t *testing.T) {
	ctx := context.Background()
	national, err := fleet.ReadManifests(filepath.Join(testenv.RepoRoot(), "config", "samples", "platform_v1alpha1_nationalplatform.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := k8s.Create(ctx, national[0]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(ctx, national[0]) })
	caIssuer, _, _ := unstructured.NestedString(national[0].Object, "spec", "trust", "caIssuerRef", "name")
	installPolicy(t, "national_ca.yaml")
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "egov-province-"}}
	if err := k8s.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	// The province administrator may create Certificates (RBAC allows it);
	// only the policy stands in the way.
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "province-admin-"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "province-admin"}},
	}
	if err := k8s.Create(ctx, binding); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(ctx, binding) })
	provinceAdmin := as(t, "province-admin")
	operator := as(t, "system:serviceaccount:egov-operator-system:egov-operator", "system:masters",
		"system:serviceaccounts", "system:serviceaccounts:egov-operator-system")
	certificate := func(name, issuer string) *cmapi.Certificate {
		return &cmapi.Certificate{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns.Name},
			Spec: cmapi.CertificateSpec{SecretName: name, CommonName: "rogue", IsCA: true,
				IssuerRef: cmmeta.IssuerReference{Name: issuer, Kind: cmapi.ClusterIssuerKind, Group: "cert-manager.io"}},
		}
	}
	testenv.Eventually(t, 30*time.Second, "the province administrator refused", func() error {
		err := provinceAdmin.Create(ctx, certificate(fmt.Sprintf("rogue-ca-%d", time.Now().UnixNano()), caIssuer))
		if err == nil || !strings.Contains(err.Error(), "the national CA") {
			return fmt.Errorf("a Certificate from the national CA was accepted (%v)", err)
		}
		return nil
	})
	request := &cmapi.CertificateRequest{
		ObjectMeta: metav1.ObjectMeta{Name: "rogue-request", Namespace: ns.Name},
		Spec: cmapi.CertificateRequestSpec{Request: []byte("-----BEGIN CERTIFICATE REQUEST-----"),
			IssuerRef: cmmeta.IssuerReference{Name: caIssuer, Kind: cmapi.ClusterIssuerKind, Group: "cert-manager.io"}},
	}
	if err := provinceAdmin.Create(ctx, request); err == nil || !strings.Contains(err.Error(), "the national CA") {
		t.Errorf("a CertificateRequest to the national CA was accepted: %v", err)
	}
	if err := operator.Create(ctx, certificate("subca", caIssuer)); err != nil {
		t.Errorf("the operator may ask the national CA: %v", err)
	}
	if err := provinceAdmin.Create(ctx, certificate("public", "letsencrypt")); err != nil {
		t.Errorf("another issuer is refused: %v", err)
	}
}
