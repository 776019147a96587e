package offline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"go.uber.org/zap/zapcore"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/controllers"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/offline"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// k8s is the test's client: it plays central ops, the provincial IT centres
// and cert-manager, beside an operator running in the same API server.
var k8s client.Client

func TestMain(m *testing.M) {
	ctrl.SetLogger(zap.New(zap.Level(zapcore.ErrorLevel)))
	env, cfg, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		mgr, err := ctrl.NewManager(cfg, ctrl.Options{Scheme: testenv.Scheme(), Cache: controllers.CacheOptions(),
			Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0"})
		if err == nil {
			err = controllers.Setup(mgr)
		}
		if err == nil {
			k8s, err = client.New(cfg, client.Options{Scheme: testenv.Scheme()})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			if err := mgr.Start(ctx); err != nil {
				fmt.Fprintln(os.Stderr, "manager:", err)
			}
		}()
		return m.Run()
	}()
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// The offline render of the samples (the national platform, the release and
// the three provinces) is what the operator applies for them, field by
// field, and the operator applies nothing more.
func TestRenderOfTheSamplesEqualsWhatTheOperatorApplies(t *testing.T) {
	ctx := context.Background()
	samples := filepath.Join(testenv.RepoRoot(), "config", "samples")
	files := []string{filepath.Join(samples, "platform_v1alpha1_nationalplatform.yaml"), filepath.Join(samples, "platform_v1alpha1_platformrelease.yaml")}
	provinceFiles, _ := filepath.Glob(filepath.Join(samples, "province_*.yaml"))
	if len(provinceFiles) != 3 {
		t.Fatalf("want the samples of Hà Nội, Thanh Hóa and Hà Tĩnh, found %v", provinceFiles)
	}
	files = append(files, provinceFiles...)

	// Central ops' issuers: the national CA, and a stand-in for the samples' public CA.
	for _, name := range []string{"national-ca", "letsencrypt-production"} {
		create(t, &cmapi.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{SelfSigned: &cmapi.SelfSignedIssuer{}}}})
	}
	// The samples' IntegrationPlatforms are left out: their gateways serve
	// only once pods run, which envtest has no kubelet for, and until then
	// the operator holds the stacks' new workloads back (they would roll as
	// soon as the gateway serves), so there would be nothing to compare.
	var docs []*unstructured.Unstructured
	for _, file := range files {
		objs, err := fleet.ReadManifests(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range objs {
			if u.GetKind() == "IntegrationPlatform" {
				continue
			}
			docs = append(docs, u.DeepCopy())
			create(t, u)
		}
	}

	m, err := offline.Decode(docs)
	if err != nil {
		t.Fatal(err)
	}
	rendered, err := m.Render(offline.Filter{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(rendered) == 0 {
		t.Fatal("the render of the samples is empty")
	}
	testenv.Eventually(t, 2*time.Minute, "the operator applies what egovctl renders", func() error {
		if err := playCertManager(ctx); err != nil {
			return err
		}
		return sameAsLive(ctx, rendered)
	})
}

// sameAsLive checks every rendered object against the live one as the
// operator checks before an apply: the fields egov-operator owns are exactly
// the rendered ones, with the same values. The owners' UIDs, which only the
// cluster knows, are taken from the live object. It also checks the operator
// made no child the render lacks.
func sameAsLive(ctx context.Context, rendered []client.Object) error {
	var problems []string
	want := map[string]bool{}
	kinds := map[string]string{}
	for _, obj := range rendered {
		gvk, err := apiutil.GVKForObject(obj, k8s.Scheme())
		if err != nil {
			return err
		}
		id := fmt.Sprintf("%s %s/%s", gvk.Kind, obj.GetNamespace(), obj.GetName())
		want[id] = true
		kinds[gvk.Kind] = gvk.GroupVersion().String()
		for _, ref := range obj.GetOwnerReferences() {
			if ref.UID != "" {
				return fmt.Errorf("rendered %s has an owner UID", id)
			}
		}
		typed, err := k8s.Scheme().New(gvk)
		if err != nil {
			return err
		}
		live := typed.(client.Object)
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), live); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", id, err))
			continue
		}
		live.GetObjectKind().SetGroupVersionKind(gvk)
		desired := withLiveUIDs(obj, live)
		if drift, err := controllers.Drift(k8s.Scheme(), live, desired); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		} else if drift != "" {
			problems = append(problems, id+": "+drift)
		}
	}
	for kind, apiVersion := range kinds {
		list := &unstructured.UnstructuredList{}
		list.SetAPIVersion(apiVersion)
		list.SetKind(kind + "List")
		if err := k8s.List(ctx, list, client.MatchingLabels{render.LabelManagedBy: render.ManagedBy}); err != nil {
			return err
		}
		for _, u := range list.Items {
			if id := fmt.Sprintf("%s %s/%s", kind, u.GetNamespace(), u.GetName()); !want[id] {
				problems = append(problems, id+": applied by the operator, missing from the render")
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%d differences:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	return nil
}

// withLiveUIDs returns a copy of the rendered obj with its owners' UIDs, in
// owner references and in the label that marks a Certificate's key pair
// Secret, taken from live.
func withLiveUIDs(obj, live client.Object) client.Object {
	obj = obj.DeepCopyObject().(client.Object)
	refs := obj.GetOwnerReferences()
	for i := range refs {
		for _, l := range live.GetOwnerReferences() {
			if l.Kind == refs[i].Kind && l.Name == refs[i].Name {
				refs[i].UID = l.UID
			}
		}
	}
	obj.SetOwnerReferences(refs)
	cert, ok := obj.(*cmapi.Certificate)
	if liveCert, _ := live.(*cmapi.Certificate); ok && cert.Spec.SecretTemplate != nil && liveCert.Spec.SecretTemplate != nil {
		if _, set := cert.Spec.SecretTemplate.Labels[platformv1alpha1.KeypairOwnerLabel]; set {
			cert.Spec.SecretTemplate.Labels[platformv1alpha1.KeypairOwnerLabel] = liveCert.Spec.SecretTemplate.Labels[platformv1alpha1.KeypairOwnerLabel]
		}
	}
	return obj
}

// playCertManager issues every Certificate once and makes every Issuer
// ready, as cert-manager would: the operator's followers wait for the SubCA,
// and a pod's checksum takes the issued revision of its certificates.
func playCertManager(ctx context.Context) error {
	certs := &cmapi.CertificateList{}
	if err := k8s.List(ctx, certs); err != nil {
		return err
	}
	for i := range certs.Items {
		c := &certs.Items[i]
		if c.Status.Revision != nil {
			continue
		}
		c.Status.Conditions = []cmapi.CertificateCondition{{Type: cmapi.CertificateConditionReady, Status: cmmeta.ConditionTrue,
			Reason: "Issued", ObservedGeneration: c.Generation}}
		c.Status.Revision = ptr.To(1)
		if err := k8s.Status().Update(ctx, c); err != nil {
			return err
		}
	}
	issuers := &cmapi.IssuerList{}
	if err := k8s.List(ctx, issuers); err != nil {
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

func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := k8s.Create(context.Background(), obj); err != nil {
		t.Fatalf("create %s %s: %v", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
	}
}
