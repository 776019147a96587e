package controllers

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

const (
	testRelease = "egov-2026.11"
	waitFor     = 30 * time.Second
)

// eventually polls check until it returns nil, for up to waitFor.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	testenv.Eventually(t, waitFor, what, check)
}

// change applies mutate to the latest obj and updates it, retrying when the
// operator's status writes got in between.
func change(t *testing.T, obj client.Object, mutate func()) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		mutate()
		return k8s.Update(context.Background(), obj)
	})
	if err != nil {
		t.Fatalf("update %T %s: %v", obj, obj.GetName(), err)
	}
}

func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := k8s.Create(context.Background(), obj); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("create %T %s: %v", obj, obj.GetName(), err)
	}
}

// ensureNational creates the national platform, its CA issuer and the
// default release, as central ops would, unless they exist.
func ensureNational(t *testing.T) {
	t.Helper()
	create(t, &cmapi.ClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: "national-ca"},
		Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{CA: &cmapi.CAIssuer{SecretName: "national-ca"}}},
	})
	create(t, platformRelease(testRelease, "0d5c3e5bd2ea7d3fbd1d1a2a4c8c4bfb0d8a1e8e3c7a1b5b9f3f9e6a1c2d3e4f"))
	n := national()
	create(t, n)
}

// platformRelease returns a release of the four components, each image
// pinned to digest: the portal and one-stop-shop meeting their functional
// criteria, the exchange node declared conformant to edXML until 2028-12-31,
// the integration gateway meeting the e-Government Architecture Framework.
func platformRelease(name, digest string) *platformv1alpha1.PlatformRelease {
	functional := platformv1alpha1.Conformity{Criteria: []string{"TT 22/2019/TT-BTTTT"}}
	edXML := platformv1alpha1.Conformity{Regulations: []string{"QCVN 102:2016/BTTTT"}, DeclarationID: "CB-1", ValidUntil: "2028-12-31"}
	return &platformv1alpha1.PlatformRelease{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: platformv1alpha1.PlatformReleaseSpec{Version: "2026.11.0", Components: []platformv1alpha1.Component{
			{Name: "portal", Image: "registry.egov.vn/platform/portal@sha256:" + digest, Version: "4.2.0", Vendor: "Example JSC", Conformity: functional},
			{Name: "oneStopShop", Image: "registry.egov.vn/platform/motcua@sha256:" + digest, Version: "3.8.1", Vendor: "Example JSC", Conformity: functional},
			{Name: "docExchange", Image: "registry.egov.vn/platform/edxml-node@sha256:" + digest, Version: "2.5.0", Vendor: "Example JSC", Conformity: edXML},
			{Name: "integration", Image: "registry.egov.vn/platform/lgsp-gateway@sha256:" + digest, Version: "1.4.0", Vendor: "Example JSC",
				Conformity: platformv1alpha1.Conformity{Criteria: []string{"QĐ 2323/QĐ-BTTTT"}}},
		}},
	}
}

func national() *platformv1alpha1.NationalPlatform {
	n := &platformv1alpha1.NationalPlatform{ObjectMeta: metav1.ObjectMeta{Name: platformv1alpha1.NationalPlatformName}}
	n.Spec = platformv1alpha1.NationalPlatformSpec{
		PublicServicePortal: platformv1alpha1.PublicServicePortal{URL: "https://dichvucong.gov.vn", SyncURL: "https://dichvucong.gov.vn/api/dongbo", SSOIssuerURL: "https://xacthuc.dichvucong.gov.vn",
			SourceCIDRs: []platformv1alpha1.CIDR{"192.0.2.0/24"}},
		DataExchange: platformv1alpha1.DataExchange{GatewayURL: "https://api.ndxp.gov.vn", TokenURL: "https://api.ndxp.gov.vn/oauth2/token"},
		DocumentAxis: platformv1alpha1.DocumentAxis{URL: "https://truclienthong.chinhphu.vn"},
		Postal: &platformv1alpha1.Postal{URL: "https://api.vnpost.vn", EgressCIDRs: []platformv1alpha1.CIDR{"203.0.113.0/24"},
			SourceCIDRs: []platformv1alpha1.CIDR{"203.0.113.128/25"}},
		Trust: platformv1alpha1.Trust{
			CAIssuerRef: platformv1alpha1.IssuerReference{Name: "national-ca"},
			// The tests' cluster is a closed network: the provincial SubCA serves production hosts.
			PublicTLS: platformv1alpha1.PublicTLSOptional,
			AllowedPublicIssuers: []platformv1alpha1.IssuerReference{
				publicIssuer("public-ca", cmapi.IssuerKind), publicIssuer("public-tls", cmapi.ClusterIssuerKind),
				publicIssuer("letsencrypt-production", cmapi.ClusterIssuerKind), // the samples' issuer
				// Listed as central ops might by mistake: both stay refused.
				publicIssuer("national-ca", cmapi.ClusterIssuerKind), publicIssuer("national-ca-again", cmapi.ClusterIssuerKind),
			},
		},
		Network:        platformv1alpha1.NationalNetwork{NationalEgressCIDRs: []platformv1alpha1.CIDR{"198.51.100.0/24"}},
		DefaultRelease: testRelease,
	}
	return n
}

// publicIssuer refers to a cert-manager issuer as the API server defaults it.
func publicIssuer(name, kind string) platformv1alpha1.IssuerReference {
	return platformv1alpha1.IssuerReference{Name: name, Kind: kind, Group: "cert-manager.io"}
}

// province creates a labelled namespace, the credentials Secret and a
// ProvincePortal for code, and deletes the portal when the test ends.
func province(t *testing.T, code string, mutate ...func(*platformv1alpha1.ProvincePortal)) *platformv1alpha1.ProvincePortal {
	t.Helper()
	unit, _ := provinces.Lookup(code)
	ns := "egov-" + unit.Slug + "-" + fmt.Sprint(time.Now().UnixNano()%100000)
	create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{platformv1alpha1.ProvinceLabel: code}}})
	create(t, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "national-credentials", Namespace: ns},
		StringData: map[string]string{"clientID": "id", "clientSecret": "secret"},
	})
	p := &platformv1alpha1.ProvincePortal{
		ObjectMeta: metav1.ObjectMeta{Name: unit.Slug, Namespace: ns},
		Spec: platformv1alpha1.ProvincePortalSpec{
			Province:                     platformv1alpha1.ProvinceRef{Code: platformv1alpha1.ProvinceCode(code)},
			OrganID:                      fleet.OrganID(unit),
			Domain:                       platformv1alpha1.DNSName(fleet.Domain(unit)),
			NationalCredentialsSecretRef: &platformv1alpha1.LocalObjectReference{Name: "national-credentials"},
		},
	}
	for _, m := range mutate {
		m(p)
	}
	create(t, p)
	t.Cleanup(func() { deletePortal(t, p) })
	return p
}

func deletePortal(t *testing.T, p *platformv1alpha1.ProvincePortal) {
	if err := k8s.Delete(context.Background(), p); client.IgnoreNotFound(err) != nil {
		t.Errorf("delete portal: %v", err)
	}
	eventually(t, "portal deleted", func() error {
		err := k8s.Get(context.Background(), client.ObjectKeyFromObject(p), &platformv1alpha1.ProvincePortal{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there (%v)", err)
	})
}

func getPortal(t *testing.T, p *platformv1alpha1.ProvincePortal) *platformv1alpha1.ProvincePortal {
	t.Helper()
	live := &platformv1alpha1.ProvincePortal{}
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(p), live); err != nil {
		t.Fatal(err)
	}
	return live
}

// playControllers does in a namespace what kubelet, the StatefulSet and
// volume controllers and cert-manager would: Certificates issued (with their
// key pair Secrets), Issuers ready, Deployments and StatefulSets available,
// and each StatefulSet's claim created and bound to a volume.
func playControllers(namespace string) error {
	// The workloads are played even when issuing hit a Certificate the
	// operator was deleting meanwhile: else a test waiting for a workload
	// to roll out would see it wait as long as such races go on.
	return errors.Join(playCertManager(namespace), playWorkloadControllers(namespace))
}

// playCertManager issues the namespace's Certificates (with their key pair
// Secrets) and readies its Issuers, as cert-manager would.
func playCertManager(namespace string) error {
	ctx := context.Background()
	certs := &cmapi.CertificateList{}
	if err := k8s.List(ctx, certs, client.InNamespace(namespace)); err != nil {
		return err
	}
	notAfter := metav1.NewTime(time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second))
	// CAs first, so their leaves can be signed with their keys.
	sort.SliceStable(certs.Items, func(i, j int) bool { return certs.Items[i].Spec.IsCA && !certs.Items[j].Spec.IsCA })
	for i := range certs.Items {
		c := &certs.Items[i]
		if err := issueSecret(ctx, c); err != nil {
			return err
		}
		ready := false
		for _, cond := range c.Status.Conditions {
			ready = ready || (cond.Type == cmapi.CertificateConditionReady && cond.ObservedGeneration == c.Generation)
		}
		if ready {
			continue
		}
		c.Status.Conditions = []cmapi.CertificateCondition{{Type: cmapi.CertificateConditionReady, Status: cmmeta.ConditionTrue,
			Reason: "Issued", ObservedGeneration: c.Generation, LastTransitionTime: &metav1.Time{Time: time.Now()}}}
		c.Status.NotAfter = &notAfter
		c.Status.Revision = ptr.To(1 + ptr.Deref(c.Status.Revision, 0))
		if err := k8s.Status().Update(ctx, c); err != nil {
			return err
		}
	}
	issuers := &cmapi.IssuerList{}
	if err := k8s.List(ctx, issuers, client.InNamespace(namespace)); err != nil {
		return err
	}
	for i := range issuers.Items {
		iss := &issuers.Items[i]
		if len(iss.Status.Conditions) == 0 {
			iss.Status.Conditions = []cmapi.IssuerCondition{{Type: cmapi.IssuerConditionReady, Status: cmmeta.ConditionTrue, Reason: "KeyPairVerified"}}
			if err := k8s.Status().Update(ctx, iss); err != nil {
				return err
			}
		}
	}
	return nil
}

// playWorkloadControllers makes the namespace's Deployments and
// StatefulSets available and binds each StatefulSet's claims, as kubelet,
// the workload and volume controllers would.
func playWorkloadControllers(namespace string) error {
	ctx := context.Background()
	deployments := &appsv1.DeploymentList{}
	if err := k8s.List(ctx, deployments, client.InNamespace(namespace)); err != nil {
		return err
	}
	for i := range deployments.Items {
		d := &deployments.Items[i]
		if r := *d.Spec.Replicas; d.Status.ObservedGeneration != d.Generation || d.Status.AvailableReplicas != r {
			d.Status = rolledOutDeployment(d.Generation, r)
			if err := k8s.Status().Update(ctx, d); err != nil {
				return err
			}
		}
	}
	sets := &appsv1.StatefulSetList{}
	if err := k8s.List(ctx, sets, client.InNamespace(namespace)); err != nil {
		return err
	}
	for i := range sets.Items {
		sts := &sets.Items[i]
		for _, tmpl := range sts.Spec.VolumeClaimTemplates {
			if err := bindClaim(ctx, sts, tmpl); err != nil {
				return err
			}
		}
		if r := *sts.Spec.Replicas; sts.Status.ObservedGeneration != sts.Generation || sts.Status.ReadyReplicas != r {
			sts.Status = rolledOutStatefulSet(sts.Generation, r)
			if err := k8s.Status().Update(ctx, sts); err != nil {
				return err
			}
		}
	}
	return nil
}

// collectGarbage deletes the children of a deleted owner, as the garbage
// collector envtest lacks would: the operator never takes them over.
func collectGarbage(t *testing.T, owner client.Object) {
	t.Helper()
	for _, kind := range childKinds() {
		list := kind.list.DeepCopyObject().(client.ObjectList)
		if err := k8s.List(context.Background(), list, client.InNamespace(owner.GetNamespace())); err != nil {
			t.Fatal(err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range items {
			if obj := item.(client.Object); ownedBy(obj, owner) {
				if err := k8s.Delete(context.Background(), obj); client.IgnoreNotFound(err) != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// rolledOutDeployment is the status the Deployment controller reports once
// every replica of generation runs and is available.
func rolledOutDeployment(generation int64, replicas int32) appsv1.DeploymentStatus {
	return appsv1.DeploymentStatus{
		ObservedGeneration: generation, Replicas: replicas, UpdatedReplicas: replicas, ReadyReplicas: replicas, AvailableReplicas: replicas,
		Conditions: []appsv1.DeploymentCondition{
			{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "NewReplicaSetAvailable"},
			{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable"},
		},
	}
}

// rolledOutStatefulSet is the status the StatefulSet controller reports once
// every replica of generation runs the update revision and is ready.
func rolledOutStatefulSet(generation int64, replicas int32) appsv1.StatefulSetStatus {
	revision := fmt.Sprintf("rev-%d", generation)
	return appsv1.StatefulSetStatus{
		ObservedGeneration: generation, Replicas: replicas, ReadyReplicas: replicas, CurrentReplicas: replicas,
		UpdatedReplicas: replicas, AvailableReplicas: replicas, CurrentRevision: revision, UpdateRevision: revision,
	}
}

// bindClaim creates the first claim of a StatefulSet's template, as the
// StatefulSet controller would, and binds it to a new volume whose reclaim
// policy is Delete, as a dynamic provisioner's would be: the volume's
// claimRef names the claim with its UID before the claim turns Bound, as
// the volume binder does.
func bindClaim(ctx context.Context, sts *appsv1.StatefulSet, tmpl corev1.PersistentVolumeClaim) error {
	name := fmt.Sprintf("%s-%s-0", tmpl.Name, sts.Name)
	claim := &corev1.PersistentVolumeClaim{}
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: sts.Namespace, Name: name}, claim); err == nil || !apierrors.IsNotFound(err) {
		return client.IgnoreNotFound(err)
	}
	size := tmpl.Spec.Resources.Requests[corev1.ResourceStorage]
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "pv-" + sts.Namespace + "-" + name},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimDelete,
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/" + name}},
			ClaimRef:                      &corev1.ObjectReference{Namespace: sts.Namespace, Name: name},
		},
	}
	if tmpl.Spec.StorageClassName != nil {
		pv.Spec.StorageClassName = *tmpl.Spec.StorageClassName
	}
	if err := k8s.Create(ctx, pv); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	claim = &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: sts.Namespace, Labels: tmpl.Labels},
		Spec:       *tmpl.Spec.DeepCopy(),
	}
	claim.Spec.VolumeName = pv.Name
	if err := k8s.Create(ctx, claim); err != nil {
		return err
	}
	bound := pv.DeepCopy()
	bound.Spec.ClaimRef.UID = claim.UID
	if err := k8s.Patch(ctx, bound, client.MergeFrom(pv)); err != nil {
		return err
	}
	claim.Status = corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound, Capacity: corev1.ResourceList{corev1.ResourceStorage: size},
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}}
	return k8s.Status().Update(ctx, claim)
}

func condition(p *platformv1alpha1.ProvincePortal, conditionType string) *metav1.Condition {
	return meta.FindStatusCondition(p.Status.Conditions, conditionType)
}

// waitReady plays the missing controllers until the portal is Ready for its
// current generation.
func waitReady(t *testing.T, p *platformv1alpha1.ProvincePortal) *platformv1alpha1.ProvincePortal {
	t.Helper()
	waitObjectReady(t, p)
	return p
}

// waitObjectReady plays the missing controllers in obj's namespace until obj
// is Ready for its current generation; obj holds the live object after.
func waitObjectReady(t *testing.T, obj object) {
	t.Helper()
	eventually(t, fmt.Sprintf("%T %s Ready", obj, obj.GetName()), func() error {
		if err := playControllers(obj.GetNamespace()); err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return err
		}
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		status := obj.StatusCommon()
		c := meta.FindStatusCondition(status.Conditions, platformv1alpha1.ConditionReady)
		if c == nil || c.Status != metav1.ConditionTrue || status.ObservedGeneration != obj.GetGeneration() {
			return fmt.Errorf("not Ready: %+v", status.Conditions)
		}
		return nil
	})
}

// waitStalled waits for Stalled with reason, observed for the current generation.
func waitStalled(t *testing.T, p *platformv1alpha1.ProvincePortal, reason string) *metav1.Condition {
	t.Helper()
	return waitObjectStalled(t, getPortal(t, p), reason)
}

// waitObjectStalled waits for obj to be Stalled with reason, observed for
// its current generation; obj holds the live object after.
func waitObjectStalled(t *testing.T, obj object, reason string) *metav1.Condition {
	t.Helper()
	var stalled *metav1.Condition
	eventually(t, fmt.Sprintf("%T %s Stalled with %s", obj, obj.GetName(), reason), func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		status := obj.StatusCommon()
		stalled = meta.FindStatusCondition(status.Conditions, platformv1alpha1.ConditionStalled)
		if stalled == nil || stalled.Reason != reason || status.ObservedGeneration != obj.GetGeneration() {
			return fmt.Errorf("conditions %+v, observedGeneration %d of %d", status.Conditions, status.ObservedGeneration, obj.GetGeneration())
		}
		return nil
	})
	return stalled
}

// expectNoWritesAfter lets the last status and watch events settle (the
// fleet's report on the NationalPlatform comes fleetReportDelay late), runs
// touch, which must wake each of the controllers once without changing
// anything they render from, waits for those reconciles and fails if the
// operator made any write request meanwhile, or read a Secret's data: it
// reads a key pair again only when its Secret changed.
func expectNoWritesAfter(t *testing.T, touch func(), controllers ...string) {
	t.Helper()
	time.Sleep(2*time.Second + fleetReportDelay)
	total := func() float64 {
		sum := 0.0
		for _, c := range controllers {
			sum += reconciles(t, c)
		}
		return sum
	}
	before, reconcilesBefore, readsBefore := operatorWrites.Load(), total(), secretReads(t)
	touch()
	eventually(t, fmt.Sprintf("%v reconciled after the touch", controllers), func() error {
		if total() < reconcilesBefore+float64(len(controllers)) {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	time.Sleep(2 * time.Second)
	if writes := operatorWrites.Load() - before; writes != 0 {
		t.Fatalf("idle %v made %d write requests", controllers, writes)
	}
	if reads := secretReads(t) - readsBefore; reads != 0 {
		t.Fatalf("idle %v read %v Secrets from the API server", controllers, reads)
	}
}

// secretReads is how many Secrets the API server has served by name: reads
// of their data, which the tests make only when they set something up.
func secretReads(t *testing.T) float64 {
	t.Helper()
	page, err := apiServer.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, m := range families["apiserver_request_total"].GetMetric() {
		labels := map[string]string{}
		for _, pair := range m.GetLabel() {
			labels[pair.GetName()] = pair.GetValue()
		}
		if labels["resource"] == "secrets" && labels["verb"] == "GET" {
			total += m.GetCounter().GetValue()
		}
	}
	return total
}

// reconciles returns how many times a controller has reconciled so far.
func reconciles(t *testing.T, controller string) float64 {
	t.Helper()
	families, err := crmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "controller" && l.GetValue() == controller {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}

func portalChild(p *platformv1alpha1.ProvincePortal, obj client.Object, role string) client.Object {
	obj.SetNamespace(p.Namespace)
	obj.SetName(render.PortalOwner(p).Name(role))
	return obj
}

// issueSecret writes a Certificate's key pair Secret, as cert-manager would:
// a CA is self-signed, a leaf of a namespaced CA Issuer is signed with the
// key in that Issuer's Secret, any other leaf is self-signed.
func issueSecret(ctx context.Context, c *cmapi.Certificate) error {
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: c.Namespace, Name: c.Spec.SecretName}, &corev1.Secret{}); err == nil {
		return nil
	}
	var parent *x509.Certificate
	var parentKey *ecdsa.PrivateKey
	if !c.Spec.IsCA && c.Spec.IssuerRef.Kind == cmapi.IssuerKind {
		issuer := &cmapi.Issuer{}
		if err := k8s.Get(ctx, types.NamespacedName{Namespace: c.Namespace, Name: c.Spec.IssuerRef.Name}, issuer); err != nil {
			return err
		}
		caSecret := &corev1.Secret{}
		if err := k8s.Get(ctx, types.NamespacedName{Namespace: c.Namespace, Name: issuer.Spec.CA.SecretName}, caSecret); err != nil {
			return err
		}
		var err error
		if parent, parentKey, err = parseKeypair(caSecret); err != nil {
			return err
		}
	}
	certPEM, keyPEM, err := issue(c.Spec.CommonName, c.Spec.IsCA, parent, parentKey)
	if err != nil {
		return err
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: c.Spec.SecretName, Namespace: c.Namespace,
		Annotations: map[string]string{cmapi.CertificateNameKey: c.Name}},
		Type: corev1.SecretTypeTLS, Data: map[string][]byte{"tls.crt": certPEM, "tls.key": keyPEM}}
	if t := c.Spec.SecretTemplate; t != nil {
		secret.Labels = t.Labels
	}
	if err := k8s.Create(ctx, secret); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

// issue makes a certificate signed by parent's key, or self-signed without a parent.
func issue(commonName string, isCA bool, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) ([]byte, []byte, error) {
	return issueUntil(commonName, isCA, time.Now().Add(90*24*time.Hour), parent, parentKey)
}

// issueUntil is issue with a chosen expiry.
func issueUntil(commonName string, isCA bool, notAfter time.Time, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) ([]byte, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: commonName},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: notAfter,
		IsCA: isCA, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

func parseKeypair(s *corev1.Secret) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certBlock, _ := pem.Decode(s.Data["tls.crt"])
	keyBlock, _ := pem.Decode(s.Data["tls.key"])
	if certBlock == nil || keyBlock == nil {
		return nil, nil, fmt.Errorf("Secret %s holds no key pair", s.Name)
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(keyBlock.Bytes)
	return cert, key, err
}
