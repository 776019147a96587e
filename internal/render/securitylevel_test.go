package render

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/utils/ptr"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func TestAOneStopShopRunsAtItsOwnSecurityLevel(t *testing.T) {
	for _, c := range []struct {
		own  *platformv1alpha1.SecurityLevel
		want int32
	}{{nil, 2}, {ptr.To[platformv1alpha1.SecurityLevel](4), 3}} {
		in := testShopInputs(false) // the portal is at level 3
		in.Shop.Spec.SecurityLevel = c.own
		web := OneStopShopOwner(in.Shop, in.Portal).Name(RoleMotcuaWeb)
		found := false
		for _, o := range OneStopShopStack(in) {
			if d, ok := o.(*appsv1.Deployment); ok && d.Name == web {
				found = true
				if *d.Spec.Replicas != c.want {
					t.Errorf("own level %v: %d web replicas, want %d", c.own, *d.Spec.Replicas, c.want)
				}
			}
		}
		if !found {
			t.Fatalf("no Deployment %s rendered", web)
		}
	}
}

func TestANodeGetsItsOffSiteBackupTarget(t *testing.T) {
	in := testNodeInputs()
	in.Node.Spec.OffSiteBackup = &platformv1alpha1.OffSiteBackup{URL: "https://backup.dr.hatinh.gov.vn",
		CredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "backup"}, EgressCIDRs: []platformv1alpha1.PeerCIDR{"10.99.0.0/24"}}
	if url := DocExchangeConfig(in.Node, in.National)["EDXML_OFFSITE_BACKUP_URL"]; url != "https://backup.dr.hatinh.gov.vn" {
		t.Errorf("EDXML_OFFSITE_BACKUP_URL = %q", url)
	}
	reachesTarget, mountsCredentials := false, false
	for _, o := range DocExchangeStack(in) {
		switch o := o.(type) {
		case *networkingv1.NetworkPolicy:
			for _, rule := range o.Spec.Egress {
				for _, peer := range rule.To {
					reachesTarget = reachesTarget || (peer.IPBlock != nil && peer.IPBlock.CIDR == "10.99.0.0/24")
				}
			}
		case *appsv1.StatefulSet:
			for _, v := range o.Spec.Template.Spec.Volumes {
				mountsCredentials = mountsCredentials || (v.Secret != nil && v.Secret.SecretName == "backup")
			}
		}
	}
	if !reachesTarget || !mountsCredentials {
		t.Errorf("the node reaches its backup target: %v; mounts its credentials: %v", reachesTarget, mountsCredentials)
	}
}
