package controllers

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

func exists(obj client.Object) error {
	return k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj)
}

func TestProvinceConvergesToReady(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "42"))

	if p.Status.Province != "42" || p.Status.ProvinceName != "Tỉnh Hà Tĩnh" || p.Status.Release != testRelease ||
		p.Status.URL != "https://dichvucong.hatinh.gov.vn" {
		t.Errorf("status: %+v", p.Status)
	}
	if len(p.Status.Certificates) != 3 {
		t.Errorf("want the SubCA, client and portal certificates in status, got %+v", p.Status.Certificates)
	}
	for _, c := range p.Status.Certificates {
		if !c.Ready || c.NotAfter == nil {
			t.Errorf("certificate status %+v", c)
		}
	}
	subCA := portalChild(p, &cmapi.Certificate{}, "subca").(*cmapi.Certificate)
	if err := exists(subCA); err != nil {
		t.Fatal(err)
	}
	if !subCA.Spec.IsCA || subCA.Spec.IssuerRef.Name != "national-ca" || subCA.Spec.IssuerRef.Kind != "ClusterIssuer" ||
		subCA.Spec.NameConstraints == nil || !slices.Equal(subCA.Spec.NameConstraints.Permitted.DNSDomains, []string{"hatinh.gov.vn"}) {
		t.Errorf("SubCA spec: %+v", subCA.Spec)
	}
	deployment := portalChild(p, &appsv1.Deployment{}, "portal").(*appsv1.Deployment)
	if err := exists(deployment); err != nil {
		t.Fatal(err)
	}
	if *deployment.Spec.Replicas != 2 || deployment.Spec.Template.Spec.Containers[0].Image != "registry.egov.vn/platform/portal@sha256:0d5c3e5bd2ea7d3fbd1d1a2a4c8c4bfb0d8a1e8e3c7a1b5b9f3f9e6a1c2d3e4f" {
		t.Errorf("deployment: replicas %d image %s", *deployment.Spec.Replicas, deployment.Spec.Template.Spec.Containers[0].Image)
	}
	for _, child := range []client.Object{
		portalChild(p, &cmapi.Issuer{}, "ca"), portalChild(p, &cmapi.Certificate{}, "client"),
		portalChild(p, &corev1.ConfigMap{}, "trust-bundle"), portalChild(p, &corev1.ConfigMap{}, "interconnect"),
		portalChild(p, &corev1.Service{}, "portal"), portalChild(p, &networkingv1.Ingress{}, "portal"),
		portalChild(p, &networkingv1.NetworkPolicy{}, "default-deny"), portalChild(p, &networkingv1.NetworkPolicy{}, "allow-dns"),
		portalChild(p, &networkingv1.NetworkPolicy{}, "portal"), portalChild(p, &policyv1.PodDisruptionBudget{}, "portal"),
		portalChild(p, &corev1.ServiceAccount{}, "portal"),
	} {
		if err := exists(child); err != nil {
			t.Errorf("%T %s: %v", child, child.GetName(), err)
		}
	}
}

func TestDeletedChildIsRecreatedAndDriftIsReverted(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "38"))
	ctx := context.Background()

	cm := portalChild(p, &corev1.ConfigMap{}, "interconnect")
	if err := k8s.Delete(ctx, cm); err != nil {
		t.Fatal(err)
	}
	eventually(t, "interconnect ConfigMap recreated", func() error { return exists(portalChild(p, &corev1.ConfigMap{}, "interconnect")) })

	// Another manager changes a value the operator owns, and adds a label of its own.
	cm = portalChild(p, &corev1.ConfigMap{}, "interconnect")
	if err := exists(cm); err != nil {
		t.Fatal(err)
	}
	cm.(*corev1.ConfigMap).Data["EGOV_PROVINCE_CODE"] = "99"
	cm.SetLabels(map[string]string{"team.example/owner": "provincial-it"})
	labels := cm.GetLabels()
	for k, v := range render.PortalOwner(p).Labels("interconnect") {
		labels[k] = v
	}
	if err := k8s.Update(ctx, cm, client.FieldOwner("someone-else")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "drift reverted and foreign label kept", func() error {
		live := portalChild(p, &corev1.ConfigMap{}, "interconnect").(*corev1.ConfigMap)
		if err := exists(live); err != nil {
			return err
		}
		if live.Data["EGOV_PROVINCE_CODE"] != "38" {
			return fmt.Errorf("province code %q", live.Data["EGOV_PROVINCE_CODE"])
		}
		if live.Labels["team.example/owner"] != "provincial-it" {
			return fmt.Errorf("foreign label lost: %v", live.Labels)
		}
		return nil
	})
}

func TestIdleOperatorMakesNoWrites(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "01"))
	// Wake the portal without changing anything it renders from.
	expectNoWritesAfter(t, func() {
		change(t, p, func() { p.Annotations = map[string]string{"example.org/touched": "yes"} })
	}, "provinceportal")
}

func TestMissingNationalPlatformStallsThenRecovers(t *testing.T) {
	ensureNational(t)
	ctx := context.Background()
	if err := k8s.Delete(ctx, national()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "national deleted", func() error {
		if err := exists(national()); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there: %v", err)
		}
		return nil
	})
	p := province(t, "40")
	stalled := waitStalled(t, p, platformv1alpha1.ReasonNationalPlatformNotFound)
	if !strings.Contains(stalled.Message, "national") {
		t.Errorf("message: %s", stalled.Message)
	}
	generation := getPortal(t, p).Generation
	ensureNational(t)
	live := waitReady(t, p)
	if live.Generation != generation {
		t.Errorf("the ProvincePortal was changed (generation %d → %d)", generation, live.Generation)
	}
}

func TestNationalStatusChangeDoesNotReconcileProvinces(t *testing.T) {
	ensureNational(t)
	waitReady(t, province(t, "79"))
	time.Sleep(time.Second)
	before := reconciles(t, "provinceportal")

	n := national()
	if err := exists(n); err != nil {
		t.Fatal(err)
	}
	n.Status.Provinces = &platformv1alpha1.FleetSummary{Total: 99, Ready: 99}
	if err := k8s.Status().Update(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the operator's cache sees the status change", func() error {
		seen := national()
		if err := operatorCache.Get(context.Background(), client.ObjectKeyFromObject(seen), seen); err != nil {
			return err
		}
		if seen.Status.Provinces == nil || seen.Status.Provinces.Total != 99 {
			return fmt.Errorf("not yet: %+v", seen.Status.Provinces)
		}
		return nil
	})
	// The event has been handled; give a wrongly queued reconcile time to run.
	time.Sleep(time.Second)
	if after := reconciles(t, "provinceportal"); after != before {
		t.Fatalf("a status-only change of the NationalPlatform caused %v province reconciles", after-before)
	}
}

func TestDuplicateProvinceClaimStallsUntilTheOlderGoes(t *testing.T) {
	ensureNational(t)
	first := waitReady(t, province(t, "31"))
	// Claims are ordered by creationTimestamp, which has a resolution of a second.
	time.Sleep(1100 * time.Millisecond)
	second := province(t, "31")
	stalled := waitStalled(t, second, platformv1alpha1.ReasonProvinceClaimed)
	if !strings.Contains(stalled.Message, first.Namespace+"/"+first.Name) {
		t.Errorf("the message must name the other claim %s/%s: %s", first.Namespace, first.Name, stalled.Message)
	}
	deletePortal(t, first)
	waitReady(t, second)
}

func TestUnlabelledNamespaceStallsUntilAssigned(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "48"))
	ctx := context.Background()
	ns := &corev1.Namespace{}
	ns.Name = p.Namespace
	if err := exists(ns); err != nil {
		t.Fatal(err)
	}
	delete(ns.Labels, platformv1alpha1.ProvinceLabel)
	if err := k8s.Update(ctx, ns); err != nil {
		t.Fatal(err)
	}
	waitStalled(t, p, platformv1alpha1.ReasonNamespaceNotAssigned)
	if err := exists(ns); err != nil {
		t.Fatal(err)
	}
	ns.Labels[platformv1alpha1.ProvinceLabel] = "48"
	if err := k8s.Update(ctx, ns); err != nil {
		t.Fatal(err)
	}
	waitReady(t, p)
}

func TestLoweringReplicasDeletesTheDisruptionBudget(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "46"))
	s := oneStopShop(t, p, true, func(s *platformv1alpha1.OneStopShop) { s.Spec.Replicas = ptr.To[platformv1alpha1.Replicas](2) })
	waitObjectReady(t, s)
	pdb := &policyv1.PodDisruptionBudget{}
	key := types.NamespacedName{Namespace: s.Namespace, Name: render.OneStopShopOwner(s, p).Name(render.RoleMotcuaWeb)}
	if err := k8s.Get(context.Background(), key, pdb); err != nil {
		t.Fatalf("two replicas need a PDB: %v", err)
	}
	change(t, s, func() { s.Spec.Replicas = ptr.To[platformv1alpha1.Replicas](1) })
	eventually(t, "PDB deleted", func() error {
		if err := k8s.Get(context.Background(), key, pdb); !apierrors.IsNotFound(err) {
			return fmt.Errorf("PDB still there: %v", err)
		}
		return nil
	})
	waitObjectReady(t, s)
}

func TestPauseHoldsEveryChange(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "51"))
	ctx := context.Background()
	change(t, p, func() { p.Annotations = map[string]string{platformv1alpha1.PausedAnnotation: "true"} })
	eventually(t, "Paused condition", func() error {
		if c := condition(getPortal(t, p), platformv1alpha1.ConditionPaused); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("not paused")
		}
		return nil
	})
	if err := k8s.Delete(ctx, portalChild(p, &corev1.ConfigMap{}, "interconnect")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	if err := exists(portalChild(p, &corev1.ConfigMap{}, "interconnect")); !apierrors.IsNotFound(err) {
		t.Fatalf("a paused portal's children must not change: %v", err)
	}
	change(t, p, func() { delete(p.Annotations, platformv1alpha1.PausedAnnotation) })
	eventually(t, "ConfigMap recreated after resume", func() error { return exists(portalChild(p, &corev1.ConfigMap{}, "interconnect")) })
	// The annotation moves no generation, so Ready alone may still be the
	// paused reconcile's: wait for the status that drops Paused.
	eventually(t, "Paused condition removed after resume", func() error {
		if c := condition(getPortal(t, p), platformv1alpha1.ConditionPaused); c != nil {
			return fmt.Errorf("Paused condition left after resume: %+v", c)
		}
		return nil
	})
	waitReady(t, p)
}

func TestSecretRotationRollsTheDeployment(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "52"))
	checksum := func() string {
		d := portalChild(p, &appsv1.Deployment{}, "portal").(*appsv1.Deployment)
		if err := exists(d); err != nil {
			t.Fatal(err)
		}
		return d.Spec.Template.Annotations[render.ChecksumAnnotation]
	}
	before := checksum()
	secret := &corev1.Secret{}
	secret.Namespace, secret.Name = p.Namespace, "national-credentials"
	if err := exists(secret); err != nil {
		t.Fatal(err)
	}
	secret.Data["clientSecret"] = []byte("rotated")
	if err := k8s.Update(context.Background(), secret); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pod template checksum changed", func() error {
		if checksum() == before {
			return fmt.Errorf("checksum unchanged")
		}
		return nil
	})

	// cert-manager reissues the portal's TLS certificate: the pods roll too.
	before = checksum()
	cert := portalChild(p, &cmapi.Certificate{}, "portal").(*cmapi.Certificate)
	if err := exists(cert); err != nil {
		t.Fatal(err)
	}
	cert.Status.Revision = ptr.To(2)
	if err := k8s.Status().Update(context.Background(), cert); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pod template checksum changed after reissue", func() error {
		if checksum() == before {
			return fmt.Errorf("checksum unchanged")
		}
		return nil
	})
}

func TestMissingSecretStallsThenRecovers(t *testing.T) {
	ensureNational(t)
	p := province(t, "68", func(p *platformv1alpha1.ProvincePortal) {
		p.Spec.SSO = &platformv1alpha1.SSO{ClientID: "dvc", ClientSecretRef: &platformv1alpha1.LocalObjectReference{Name: "sso-client"}}
	})
	stalled := waitStalled(t, p, platformv1alpha1.ReasonSecretNotFound)
	if !strings.Contains(stalled.Message, "sso-client") {
		t.Errorf("the message must name the Secret: %s", stalled.Message)
	}
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "sso-client", Namespace: p.Namespace},
		StringData: map[string]string{"wrong": "x"}})
	stalled = waitStalled(t, p, platformv1alpha1.ReasonSecretKeyMissing)
	if !strings.Contains(stalled.Message, "clientSecret") {
		t.Errorf("the message must name the key: %s", stalled.Message)
	}
	secret := &corev1.Secret{}
	secret.Namespace, secret.Name = p.Namespace, "sso-client"
	if err := exists(secret); err != nil {
		t.Fatal(err)
	}
	secret.Data = map[string][]byte{"clientSecret": []byte("s")}
	if err := k8s.Update(context.Background(), secret); err != nil {
		t.Fatal(err)
	}
	waitReady(t, p)
}

func TestSecondPortalInNamespaceStalls(t *testing.T) {
	ensureNational(t)
	first := waitReady(t, province(t, "66"))
	second := &platformv1alpha1.ProvincePortal{
		ObjectMeta: metav1.ObjectMeta{Name: "second", Namespace: first.Namespace},
		Spec:       first.Spec,
	}
	second.Spec.Environment = "staging"
	create(t, second)
	t.Cleanup(func() { deletePortal(t, second) })
	stalled := waitStalled(t, second, platformv1alpha1.ReasonDuplicateInNamespace)
	if !strings.Contains(stalled.Message, first.Name) {
		t.Errorf("the message must name the portal serving the namespace: %s", stalled.Message)
	}
}

func TestDeletionRemovesThePrivateKeys(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "56"))
	for _, name := range render.PortalKeypairSecrets(p) {
		if err := exists(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: name}}); err != nil {
			t.Fatalf("key pair Secret %s: %v", name, err)
		}
	}
	deletePortal(t, p)
	for _, name := range render.PortalKeypairSecrets(p) {
		if err := exists(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: name}}); !apierrors.IsNotFound(err) {
			t.Errorf("key pair Secret %s survived the ProvincePortal: %v", name, err)
		}
	}
	if err := exists(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: "national-credentials"}}); err != nil {
		t.Errorf("the user's own Secret must stay: %v", err)
	}
}

// The provincial samples of config/samples converge, each to its province.
func TestSampleProvincesConverge(t *testing.T) {
	ensureNational(t)
	// The samples' public issuer, here a self-signed stand-in for a public CA.
	create(t, &cmapi.ClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: "letsencrypt-production"},
		Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{SelfSigned: &cmapi.SelfSignedIssuer{}}},
	})
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "config", "samples", "province_*.yaml"))
	if len(files) != 3 {
		t.Fatalf("want the samples of Hà Nội, Thanh Hóa and Hà Tĩnh, found %v", files)
	}
	for _, file := range files {
		objs, err := fleet.ReadManifests(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range objs {
			create(t, u)
			if u.GetKind() == "ProvincePortal" {
				p := &platformv1alpha1.ProvincePortal{}
				p.Namespace, p.Name = u.GetNamespace(), u.GetName()
				t.Cleanup(func() { deletePortal(t, p) })
				defer func() {
					live := waitReady(t, p)
					if unit, _ := provinces.Lookup(live.Status.Province); live.Status.ProvinceName != unit.FullName() || unit.Slug != live.Name {
						t.Errorf("sample %s: status %+v", file, live.Status)
					}
				}()
			}
		}
	}
}

// When the SubCA is reissued, the leaves it signed with its old key are
// reissued too: cert-manager would leave them chaining to a key gone.
func TestLeavesOfAReissuedSubCAAreReissued(t *testing.T) {
	ensureNational(t)
	ctx := context.Background()
	p := waitReady(t, province(t, "80"))
	// cert-manager reissues the SubCA with a new key; the leaves keep the old signature.
	newCA, newKey, err := issue("the SubCA, reissued", true, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	caSecret := &corev1.Secret{}
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: p.Namespace, Name: render.KeypairSecret(render.SubCACertificateName(p.Name))}, caSecret); err != nil {
		t.Fatal(err)
	}
	caSecret.Data = map[string][]byte{"tls.crt": newCA, "tls.key": newKey}
	if err := k8s.Update(ctx, caSecret); err != nil {
		t.Fatal(err)
	}
	subCA := portalChild(p, &cmapi.Certificate{}, render.RoleSubCA).(*cmapi.Certificate)
	if err := exists(subCA); err != nil {
		t.Fatal(err)
	}
	subCA.Status.Revision = ptr.To(2)
	if err := k8s.Status().Update(ctx, subCA); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the portal's TLS certificate is being reissued", func() error {
		cert := portalChild(p, &cmapi.Certificate{}, render.RolePortal).(*cmapi.Certificate)
		if err := exists(cert); err != nil {
			return err
		}
		for _, c := range cert.Status.Conditions {
			if c.Type == cmapi.CertificateConditionIssuing && c.Status == "True" && c.Reason == "SubCAReissued" {
				return nil
			}
		}
		return fmt.Errorf("conditions %+v", cert.Status.Conditions)
	})
	if c := condition(getPortal(t, p), platformv1alpha1.ConditionCertificatesReady); c == nil || c.Status != metav1.ConditionFalse {
		t.Errorf("CertificatesReady must wait for the reissue: %+v", c)
	}
}
