package controllers

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func TestAClassThatStartsAllowingExpansionGrowsTheWaitingClaims(t *testing.T) {
	ensureNational(t)
	ctx := context.Background()
	class := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "expandable-later"}, Provisioner: "example.org/test",
		AllowVolumeExpansion: ptr.To(false)}
	create(t, class)
	p := waitReady(t, province(t, "75"))
	d := docExchangeNode(t, p, func(d *platformv1alpha1.DocExchangeNode) { d.Spec.Storage.StorageClassName = ptr.To(class.Name) })
	waitObjectReady(t, d)
	change(t, d, func() { d.Spec.Storage.Size = resource.MustParse("40Gi") })
	eventually(t, "StorageResized False with ExpansionNotSupported", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(d), d); err != nil {
			return err
		}
		if c := condOf(d, platformv1alpha1.ConditionStorageResized); c == nil || c.Reason != platformv1alpha1.ReasonExpansionNotSupported {
			return fmt.Errorf("StorageResized %+v", c)
		}
		return nil
	})

	change(t, class, func() { class.AllowVolumeExpansion = ptr.To(true) })
	eventually(t, "claim grown once the class allows it", func() error {
		for _, c := range claimsOf(t, d) {
			if got := c.Spec.Resources.Requests[corev1.ResourceStorage]; got.String() != "40Gi" {
				return fmt.Errorf("claim %s requests %s", c.Name, got.String())
			}
		}
		return nil
	})
}

func TestAVolumeSetBackToDeleteIsRetainedAgain(t *testing.T) {
	ensureNational(t)
	ctx := context.Background()
	p := waitReady(t, province(t, "86"))
	d := docExchangeNode(t, p)
	waitObjectReady(t, d)
	claims := claimsOf(t, d)
	if len(claims) != 1 {
		t.Fatalf("claims: %d", len(claims))
	}
	pv := &corev1.PersistentVolume{}
	pv.Name = claims[0].Spec.VolumeName
	retained := func() error {
		if err := k8s.Get(ctx, types.NamespacedName{Name: pv.Name}, pv); err != nil {
			return err
		}
		if pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimRetain {
			return fmt.Errorf("volume %s: %s", pv.Name, pv.Spec.PersistentVolumeReclaimPolicy)
		}
		return nil
	}
	eventually(t, "volume retained", retained)

	change(t, pv, func() { pv.Spec.PersistentVolumeReclaimPolicy = corev1.PersistentVolumeReclaimDelete })
	eventually(t, "volume retained again", retained)
}
