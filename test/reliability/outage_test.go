//go:build reliability

package reliability

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

// cert-manager stops: a province whose Certificates are deleted meanwhile
// reports them not issued and is not Ready, then is Ready again once
// cert-manager is back; no Secret of the provinces or the national CA is
// deleted all along, private keys included.
func TestProvincesWaitForCertManagerAndLoseNoKey(t *testing.T) {
	codes := served(t)
	secrets, err := k8s.Watch(ctx(), &corev1.SecretList{})
	if err != nil {
		t.Fatal(err)
	}
	defer secrets.Stop()
	watched := map[string]bool{fleet.CANamespace: true}
	for _, code := range codes {
		watched[namespaceOf(code)] = true
	}
	var deletedSecrets []string
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for e := range secrets.ResultChan() {
			if s, ok := e.Object.(*corev1.Secret); ok && e.Type == watch.Deleted && watched[s.Namespace] {
				deletedSecrets = append(deletedSecrets, s.Namespace+"/"+s.Name)
			}
		}
	}()

	certManager := running(t, "cert-manager")
	certManager.stop(t, syscall.SIGTERM)
	code := codes[len(codes)-1]
	u, _ := provinces.Lookup(code)
	deleteChildren(t, []string{code}, isKind[*cmapi.Certificate])
	portal := &platformv1alpha1.ProvincePortal{}
	eventually(t, convergeTimeout(), "the portal waiting for its certificates", func() error {
		if err := k8s.Get(ctx(), client.ObjectKey{Namespace: namespaceOf(code), Name: u.Slug}, portal); err != nil {
			return err
		}
		certs := meta.FindStatusCondition(portal.Status.Conditions, platformv1alpha1.ConditionCertificatesReady)
		if certs == nil || certs.Status != metav1.ConditionFalse || meta.IsStatusConditionTrue(portal.Status.Conditions, platformv1alpha1.ConditionReady) {
			return fmt.Errorf("conditions %+v", portal.Status.Conditions)
		}
		return nil
	})
	// Stopped for a while: the operator must keep waiting, not give up or rewrite anything.
	time.Sleep(10 * time.Second)
	certManager.restart(t)
	eventually(t, convergeTimeout(), "the served provinces Ready", func() error { return converged(codes) })
	secrets.Stop()
	<-collected
	if len(deletedSecrets) > 0 {
		t.Errorf("Secrets deleted while cert-manager was away: %v", deletedSecrets)
	}
	for _, name := range render.PortalKeypairSecrets(portal) {
		if err := k8s.Get(ctx(), client.ObjectKey{Namespace: portal.Namespace, Name: name}, &corev1.Secret{}); err != nil {
			t.Errorf("private key %s: %v", name, err)
		}
	}
	managerDidNotPanic(t)
}
