package validation

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/testenv"
)

// as returns a client that acts as user with groups.
func as(t *testing.T, user string, groups ...string) client.Client {
	t.Helper()
	cfg := rest.CopyConfig(cfg)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: append(groups, "system:authenticated")}
	c, err := client.New(cfg, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A province administrator cannot label an object as the operator's: the
// operator caches exactly those objects, so the label would let them flood
// its memory or dress an object up as a child. The operator can.
func TestOnlyTheOperatorLabelsObjectsAsItsOwn(t *testing.T) {
	ctx := context.Background()
	installPolicy(t, "managed_by_label.yaml")
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "egov-province-"}}
	if err := k8s.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	// Both act with full permissions: only the policy tells them apart.
	provinceAdmin := as(t, "province-admin", "system:masters")
	operator := as(t, "system:serviceaccount:egov-operator-system:egov-operator", "system:masters",
		"system:serviceaccounts", "system:serviceaccounts:egov-operator-system")
	configMap := func(name string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns.Name,
			Labels: map[string]string{"app.kubernetes.io/managed-by": "egov-operator"}}}
	}
	// The policy takes effect once the API server has loaded it.
	testenv.Eventually(t, 30*time.Second, "the province administrator refused", func() error {
		err := provinceAdmin.Create(ctx, configMap(fmt.Sprintf("flood-%d", time.Now().UnixNano())))
		if err == nil || !strings.Contains(err.Error(), "only egov-operator") {
			return fmt.Errorf("created a labelled ConfigMap (%v)", err)
		}
		return nil
	})
	if err := operator.Create(ctx, configMap("hanoi-interconnect")); err != nil {
		t.Fatalf("the operator may label its own children: %v", err)
	}
	// Others may still label or annotate a child (the operator puts back
	// what it owns), but not change the data its pods read ...
	child := &corev1.ConfigMap{}
	if err := provinceAdmin.Get(ctx, client.ObjectKey{Namespace: ns.Name, Name: "hanoi-interconnect"}, child); err != nil {
		t.Fatal(err)
	}
	child.Annotations = map[string]string{"example.org/reviewed": "yes"}
	if err := provinceAdmin.Update(ctx, child); err != nil {
		t.Errorf("annotating a child the operator made: %v", err)
	}
	child.Data = map[string]string{"LD_PRELOAD": "/etc/egov/credentials/ndxp/x.so"}
	if err := provinceAdmin.Update(ctx, child); err == nil || !strings.Contains(err.Error(), "only egov-operator may change the data") {
		t.Errorf("adding a key to the data of a ConfigMap the operator made: %v", err)
	}
	if err := operator.Update(ctx, child); err != nil {
		t.Errorf("the operator changing its own ConfigMap's data: %v", err)
	}
	// ... but not add the label to an object of their own.
	own := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "own", Namespace: ns.Name}}
	if err := provinceAdmin.Create(ctx, own); err != nil {
		t.Fatal(err)
	}
	own.Labels = map[string]string{"app.kubernetes.io/managed-by": "egov-operator"}
	if err := provinceAdmin.Update(ctx, own); err == nil || !strings.Contains(err.Error(), "only egov-operator") {
		t.Errorf("labelling an own ConfigMap as the operator's: %v", err)
	}
}
