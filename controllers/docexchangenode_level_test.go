package controllers

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func TestALevel4NodeNeedsAnOffSiteBackup(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "37"))
	d := docExchangeNode(t, p, func(d *platformv1alpha1.DocExchangeNode) {
		d.Spec.SecurityLevel = ptr.To[platformv1alpha1.SecurityLevel](4)
	})
	waitObjectStalled(t, d, platformv1alpha1.ReasonOffSiteBackupRequired)

	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "backup", Namespace: p.Namespace},
		StringData: map[string]string{"clientID": "id", "clientSecret": "secret"}})
	change(t, d, func() {
		d.Spec.OffSiteBackup = &platformv1alpha1.OffSiteBackup{URL: "https://backup.example.org",
			CredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "backup"}, EgressCIDRs: []platformv1alpha1.PeerCIDR{"192.0.2.0/24"}}
	})
	waitObjectReady(t, d)
	if d.Status.SecurityLevel != 4 || d.Status.OffSiteBackup != "https://backup.example.org" {
		t.Errorf("status reports level %d, off-site backup %q", d.Status.SecurityLevel, d.Status.OffSiteBackup)
	}
}
