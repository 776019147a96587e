package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

func oneStopShop(t *testing.T, p *platformv1alpha1.ProvincePortal, withDatabase bool, mutate ...func(*platformv1alpha1.OneStopShop)) *platformv1alpha1.OneStopShop {
	t.Helper()
	if withDatabase {
		create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "motcua-database", Namespace: p.Namespace},
			StringData: map[string]string{"url": "postgres://motcua@db/motcua"}})
	}
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "vnpost-credentials", Namespace: p.Namespace},
		StringData: map[string]string{"customerCode": "c", "apiKey": "k"}})
	s := &platformv1alpha1.OneStopShop{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace},
		Spec: platformv1alpha1.OneStopShopSpec{
			PortalRef: platformv1alpha1.LocalObjectReference{Name: p.Name},
			Database: platformv1alpha1.Database{SecretRef: platformv1alpha1.SecretKeyReference{Name: "motcua-database", Key: "url"},
				Network: &platformv1alpha1.DatabaseNetwork{CIDRs: []platformv1alpha1.PeerCIDR{"10.20.0.0/24"}}},
			PostalDelivery: &platformv1alpha1.PostalDelivery{Enabled: true,
				CredentialsSecretRef: &platformv1alpha1.LocalObjectReference{Name: "vnpost-credentials"}},
		},
	}
	for _, m := range mutate {
		m(s)
	}
	create(t, s)
	return s
}

func docExchangeNode(t *testing.T, p *platformv1alpha1.ProvincePortal, mutate ...func(*platformv1alpha1.DocExchangeNode)) *platformv1alpha1.DocExchangeNode {
	t.Helper()
	d := &platformv1alpha1.DocExchangeNode{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace},
		Spec: platformv1alpha1.DocExchangeNodeSpec{
			PortalRef:      platformv1alpha1.LocalObjectReference{Name: p.Name},
			OrganID:        p.Spec.OrganID,
			Agencies:       []platformv1alpha1.Agency{{OrganID: p.Spec.OrganID, Name: "Văn phòng UBND"}},
			Storage:        platformv1alpha1.DocumentStorage{Size: resource.MustParse("20Gi")},
			ClientSelector: &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{"app.kubernetes.io/name": "qlvb"}},
		},
	}
	for _, m := range mutate {
		m(d)
	}
	create(t, d)
	return d
}

func condOf(obj object, conditionType string) *metav1.Condition {
	return meta.FindStatusCondition(obj.StatusCommon().Conditions, conditionType)
}

func TestOneStopShopConverges(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "24"))
	s := oneStopShop(t, p, true)
	waitObjectReady(t, s)
	if s.Status.Province != "24" || s.Status.Release != testRelease || s.Status.URL != "https://dichvucong.bacninh.gov.vn/motcua" {
		t.Errorf("status: %+v", s.Status)
	}
	for _, c := range []string{platformv1alpha1.ConditionDatabaseConfigured, platformv1alpha1.ConditionNationalSyncConfigured,
		platformv1alpha1.ConditionPostalDeliveryConfigured, platformv1alpha1.ConditionPortalReady} {
		if cond := condOf(s, c); cond == nil || cond.Status != metav1.ConditionTrue {
			t.Errorf("%s: %+v", c, cond)
		}
	}
	owner := render.OneStopShopOwner(s, p)
	ing := &networkingv1.Ingress{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: p.Namespace, Name: owner.Name(render.RoleMotcuaWeb)}, ing); err != nil {
		t.Fatal(err)
	}
	if rule := ing.Spec.Rules[0]; rule.Host != string(p.Spec.Domain) || rule.HTTP.Paths[0].Path != "/motcua" || ing.Spec.TLS[0].SecretName != p.Name+"-portal-keypair" {
		t.Errorf("ingress: %+v, tls %+v", rule, ing.Spec.TLS)
	}
	worker := &appsv1.Deployment{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: p.Namespace, Name: owner.Name(render.RoleMotcuaWorker)}, worker); err != nil {
		t.Fatal(err)
	}
	env := worker.Spec.Template.Spec.Containers[0].Env[0]
	if *worker.Spec.Replicas != 1 || env.ValueFrom == nil || env.ValueFrom.SecretKeyRef.Name != "motcua-database" {
		t.Errorf("worker: replicas %d, database env %+v", *worker.Spec.Replicas, env)
	}
	client := &cmapi.Certificate{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: p.Namespace, Name: owner.Name(render.RoleMotcuaClient)}, client); err != nil {
		t.Fatal(err)
	}
	if client.Spec.IssuerRef.Name != p.Name+"-ca" || client.Spec.Usages[0] != cmapi.UsageClientAuth {
		t.Errorf("client certificate: %+v", client.Spec)
	}

	// The worker mounts the portal's national credentials: rotating them rolls it.
	checksum := worker.Spec.Template.Annotations[render.ChecksumAnnotation]
	credentials := &corev1.Secret{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: p.Namespace, Name: "national-credentials"}, credentials); err != nil {
		t.Fatal(err)
	}
	credentials.Data["clientSecret"] = []byte("rotated")
	if err := k8s.Update(context.Background(), credentials); err != nil {
		t.Fatal(err)
	}
	eventually(t, "worker rolled after the credentials rotated", func() error {
		live := &appsv1.Deployment{}
		if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: p.Namespace, Name: owner.Name(render.RoleMotcuaWorker)}, live); err != nil {
			return err
		}
		if live.Spec.Template.Annotations[render.ChecksumAnnotation] == checksum {
			return fmt.Errorf("checksum unchanged")
		}
		return nil
	})

	// Drift: a deleted worker comes back.
	if err := k8s.Delete(context.Background(), worker); err != nil {
		t.Fatal(err)
	}
	eventually(t, "worker recreated", func() error {
		return k8s.Get(context.Background(), types.NamespacedName{Namespace: p.Namespace, Name: owner.Name(render.RoleMotcuaWorker)}, &appsv1.Deployment{})
	})
}

func TestFollowersRecoverWhenTheirPortalAppears(t *testing.T) {
	ensureNational(t)
	// The namespace and Secrets exist, the portal does not yet. It is
	// deleted once Ready: deleted during its first reconcile, it could have
	// children applied after it is gone, which only a real garbage collector
	// (not the test's single sweep) would remove.
	p := waitReady(t, province(t, "25"))
	deletePortal(t, p)
	collectGarbage(t, p)
	s := oneStopShop(t, p, true)
	d := docExchangeNode(t, p)
	for _, obj := range []object{s, d} {
		eventually(t, "Stalled PortalNotFound", func() error {
			if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
				return err
			}
			if c := condOf(obj, platformv1alpha1.ConditionStalled); c == nil || c.Reason != platformv1alpha1.ReasonPortalNotFound {
				return fmt.Errorf("%T conditions %+v", obj, obj.StatusCommon().Conditions)
			}
			return nil
		})
	}
	again := &platformv1alpha1.ProvincePortal{ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace}, Spec: p.Spec}
	create(t, again)
	t.Cleanup(func() { deletePortal(t, again) })
	waitObjectReady(t, s)
	waitObjectReady(t, d)
}

func TestOneStopShopDatabaseSecretMissingThenCreated(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "33"))
	s := oneStopShop(t, p, false)
	eventually(t, "DatabaseConfigured False", func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(s), s); err != nil {
			return err
		}
		c := condOf(s, platformv1alpha1.ConditionDatabaseConfigured)
		if c == nil || c.Status != metav1.ConditionFalse || c.Reason != platformv1alpha1.ReasonSecretNotFound || !strings.Contains(c.Message, "motcua-database") {
			return fmt.Errorf("DatabaseConfigured %+v", c)
		}
		return nil
	})
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "motcua-database", Namespace: p.Namespace},
		StringData: map[string]string{"url": "postgres://motcua@db/motcua"}})
	waitObjectReady(t, s)
	if c := condOf(s, platformv1alpha1.ConditionDatabaseConfigured); c.Status != metav1.ConditionTrue {
		t.Errorf("DatabaseConfigured %+v", c)
	}
}

func TestIdleFollowersMakeNoWrites(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "14"))
	s := oneStopShop(t, p, true)
	d := docExchangeNode(t, p)
	waitObjectReady(t, s)
	waitObjectReady(t, d)
	expectNoWritesAfter(t, func() {
		for _, obj := range []client.Object{s, d} {
			change(t, obj, func() { obj.SetAnnotations(map[string]string{"example.org/touched": "yes"}) })
		}
	}, "docexchangenode", "onestopshop")
}

func claimsOf(t *testing.T, d *platformv1alpha1.DocExchangeNode) []corev1.PersistentVolumeClaim {
	t.Helper()
	list := &corev1.PersistentVolumeClaimList{}
	if err := k8s.List(context.Background(), list, client.InNamespace(d.Namespace)); err != nil {
		t.Fatal(err)
	}
	return list.Items
}

func TestDocExchangeNodeConvergesAndRetainsItsVolumes(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "37"))
	d := docExchangeNode(t, p)
	waitObjectReady(t, d)
	if d.Status.Province != "37" || len(d.Status.Claims) != 1 || d.Status.SigningCertificate == nil || d.Status.SigningCertificate.SerialNumber == "" {
		t.Errorf("status: %+v", d.Status)
	}
	eventually(t, "volume reclaim policy Retain", func() error {
		for _, c := range claimsOf(t, d) {
			pv := &corev1.PersistentVolume{}
			if err := k8s.Get(context.Background(), types.NamespacedName{Name: c.Spec.VolumeName}, pv); err != nil {
				return err
			}
			if pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimRetain {
				return fmt.Errorf("volume %s: %s", pv.Name, pv.Spec.PersistentVolumeReclaimPolicy)
			}
		}
		return nil
	})
	sts := &appsv1.StatefulSet{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: d.Namespace, Name: render.DocExchangeStatefulSet(d)}, sts); err != nil {
		t.Fatal(err)
	}
	if sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted != appsv1.RetainPersistentVolumeClaimRetentionPolicyType {
		t.Errorf("retention policy %+v", sts.Spec.PersistentVolumeClaimRetentionPolicy)
	}
	// Drift: a deleted StatefulSet comes back (its claims were never its to delete).
	if err := k8s.Delete(context.Background(), sts); err != nil {
		t.Fatal(err)
	}
	eventually(t, "StatefulSet recreated", func() error {
		return k8s.Get(context.Background(), types.NamespacedName{Namespace: d.Namespace, Name: render.DocExchangeStatefulSet(d)}, &appsv1.StatefulSet{})
	})
	signing := &cmapi.Certificate{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: d.Namespace, Name: d.Name + "-edxml-signing"}, signing); err != nil {
		t.Fatal(err)
	}
	if signing.Spec.Usages[0] != cmapi.UsageDigitalSignature || signing.Spec.Usages[1] != cmapi.UsageContentCommitment ||
		signing.Spec.PrivateKey.Algorithm != cmapi.RSAKeyAlgorithm || signing.Spec.PrivateKey.Size != 3072 {
		t.Errorf("signing certificate: %+v", signing.Spec)
	}
}

func TestDeletedDocExchangeNodeKeepsItsClaimsAndARecreatedOneReusesThem(t *testing.T) {
	ensureNational(t)
	ctx := context.Background()
	p := waitReady(t, province(t, "20"))
	d := docExchangeNode(t, p)
	waitObjectReady(t, d)
	claims := d.Status.Claims

	if err := k8s.Delete(ctx, d); err != nil {
		t.Fatal(err)
	}
	eventually(t, "node deleted", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(d), &platformv1alpha1.DocExchangeNode{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there: %v", err)
		}
		return nil
	})
	for _, c := range claimsOf(t, d) {
		if len(c.OwnerReferences) != 0 {
			t.Errorf("claim %s is owned by %v: garbage collection would take it", c.Name, c.OwnerReferences)
		}
		pv := &corev1.PersistentVolume{}
		if err := k8s.Get(ctx, types.NamespacedName{Name: c.Spec.VolumeName}, pv); err != nil || pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimRetain {
			t.Errorf("volume of %s: %v %v", c.Name, pv.Spec.PersistentVolumeReclaimPolicy, err)
		}
	}
	if len(claimsOf(t, d)) != len(claims) {
		t.Fatalf("claims after deletion: %d, before: %v", len(claimsOf(t, d)), claims)
	}
	eventually(t, "DocumentStorageRetained event", func() error {
		list := &eventsv1.EventList{}
		if err := k8s.List(ctx, list, client.InNamespace(d.Namespace)); err != nil {
			return err
		}
		for _, e := range list.Items {
			if e.Reason == "DocumentStorageRetained" && strings.Contains(e.Note, claims[0]) {
				return nil
			}
		}
		return fmt.Errorf("no DocumentStorageRetained event naming %s", claims[0])
	})
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: d.Namespace, Name: render.DocExchangeKeypairSecret(d)}, &corev1.Secret{}); !apierrors.IsNotFound(err) {
		t.Errorf("the signing key must leave with the node: %v", err)
	}

	collectGarbage(t, d)
	again := docExchangeNode(t, p)
	waitObjectReady(t, again)
	if fmt.Sprint(again.Status.Claims) != fmt.Sprint(claims) {
		t.Errorf("recreated node uses claims %v, want %v", again.Status.Claims, claims)
	}
}

func TestGrowingStorageGrowsTheClaimsNotTheTemplate(t *testing.T) {
	ensureNational(t)
	ctx := context.Background()
	create(t, &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "expandable"}, Provisioner: "example.org/test",
		AllowVolumeExpansion: ptr.To(true)})
	p := waitReady(t, province(t, "22"))
	d := docExchangeNode(t, p, func(d *platformv1alpha1.DocExchangeNode) { d.Spec.Storage.StorageClassName = ptr.To("expandable") })
	waitObjectReady(t, d)

	change(t, d, func() { d.Spec.Storage.Size = resource.MustParse("30Gi") })
	eventually(t, "claim grown", func() error {
		for _, c := range claimsOf(t, d) {
			if got := c.Spec.Resources.Requests[corev1.ResourceStorage]; got.String() != "30Gi" {
				return fmt.Errorf("claim %s requests %s", c.Name, got.String())
			}
		}
		return nil
	})
	eventually(t, "StorageResized waits for the volume", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(d), d); err != nil {
			return err
		}
		if c := condOf(d, platformv1alpha1.ConditionStorageResized); c == nil || c.Reason != platformv1alpha1.ReasonResizing {
			return fmt.Errorf("StorageResized %+v", c)
		}
		return nil
	})
	// The volume grows, as the resizer would report.
	for _, c := range claimsOf(t, d) {
		c.Status.Capacity = corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("30Gi")}
		if err := k8s.Status().Update(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	waitObjectReady(t, d)
	// Ready does not wait for the resize: wait for the claim's new capacity to be seen.
	eventually(t, "StorageResized True", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(d), d); err != nil {
			return err
		}
		if c := condOf(d, platformv1alpha1.ConditionStorageResized); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("StorageResized %+v", c)
		}
		return nil
	})
	sts := &appsv1.StatefulSet{}
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: d.Namespace, Name: render.DocExchangeStatefulSet(d)}, sts); err != nil {
		t.Fatal(err)
	}
	if got := sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests[corev1.ResourceStorage]; got.String() != "20Gi" {
		t.Errorf("the claim template must keep 20Gi (it is immutable), got %s", got.String())
	}
}

func TestGrowingStorageOnAClassThatCannotGrowSaysSo(t *testing.T) {
	ensureNational(t)
	ctx := context.Background()
	create(t, &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "fixed-size"}, Provisioner: "example.org/test",
		AllowVolumeExpansion: ptr.To(false)})
	p := waitReady(t, province(t, "19"))
	d := docExchangeNode(t, p, func(d *platformv1alpha1.DocExchangeNode) { d.Spec.Storage.StorageClassName = ptr.To("fixed-size") })
	waitObjectReady(t, d)
	change(t, d, func() { d.Spec.Storage.Size = resource.MustParse("40Gi") })
	eventually(t, "StorageResized False with ExpansionNotSupported", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(d), d); err != nil {
			return err
		}
		c := condOf(d, platformv1alpha1.ConditionStorageResized)
		if c == nil || c.Status != metav1.ConditionFalse || c.Reason != platformv1alpha1.ReasonExpansionNotSupported {
			return fmt.Errorf("StorageResized %+v", c)
		}
		return nil
	})
	for _, c := range claimsOf(t, d) {
		if got := c.Spec.Resources.Requests[corev1.ResourceStorage]; got.String() != "20Gi" {
			t.Errorf("a claim whose class cannot grow must not be patched: %s requests %s", c.Name, got.String())
		}
	}
}
