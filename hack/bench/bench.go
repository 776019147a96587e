package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/controllers"
	"github.com/egov-vn/egov-operator/internal/benchenv"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/offline"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/scheme"
)

// floorWorkers is how many applies the floor keeps in flight.
const floorWorkers = 16

// pollInterval is how often convergence is checked for each of a
// province's environments: one list per rendered kind each time, which at
// scale would otherwise load the machine it measures.
const pollInterval = time.Second

// bench drives the cluster of hack/cluster.sh in o.state: admin creates
// the inputs and checks the children; asOperator applies the floor with the
// operator's own ServiceAccount (the same RBAC and admission as the
// operator) and no client-side rate limit.
type bench struct {
	o          options
	admin      client.Client
	asOperator client.Client
	clientset  kubernetes.Interface
	units      []provinces.Unit
	// environments are the environments each province runs a stack in.
	environments []string
	manager      *exec.Cmd
	// managerMetrics is the running manager's /metrics address, managerPprof
	// its pprof address.
	managerMetrics, managerPprof string
	// keepFleet leaves a run's stacks in place when it ends: the next run
	// starts on a fresh cluster.
	keepFleet bool
}

func newBench(o options) (*bench, error) {
	b := &bench{o: o, units: provinces.All()[:min(max(o.provinces, 1), len(provinces.All()))]}
	b.setEnvironments(1)
	return b, b.connect()
}

// connect makes the bench's clients from the cluster's kubeconfigs, which a
// fresh cluster replaces.
func (b *bench) connect() error {
	adminConfig, err := clientcmd.BuildConfigFromFlags("", filepath.Join(b.o.state, "admin.kubeconfig"))
	if err != nil {
		return err
	}
	adminConfig.QPS, adminConfig.Burst = 200, 400
	operatorConfig, err := clientcmd.BuildConfigFromFlags("", filepath.Join(b.o.state, "operator.kubeconfig"))
	if err != nil {
		return err
	}
	// A negative QPS turns client-go's rate limiter off.
	operatorConfig.QPS = -1
	opts := client.Options{Scheme: scheme.New()}
	if b.admin, err = client.New(adminConfig, opts); err != nil {
		return err
	}
	if b.asOperator, err = client.New(operatorConfig, opts); err != nil {
		return err
	}
	b.clientset, err = kubernetes.NewForConfig(adminConfig)
	return err
}

// freshCluster replaces the cluster with a new, empty one with the
// operator's chart and the national objects installed. At scale, deleting
// thousands of stacks takes the namespace controller longer than the run
// it follows, and what it leaves behind would load the next run.
func (b *bench) freshCluster(ctx context.Context) error {
	if b.o.freshCluster == "" {
		return fmt.Errorf("the scale runs need --fresh-cluster")
	}
	step("starting a fresh cluster")
	cmd := exec.CommandContext(ctx, "bash", "-c", b.o.freshCluster)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("fresh cluster (%s): %w", b.o.freshCluster, err)
	}
	if err := b.connect(); err != nil {
		return err
	}
	return b.setUpNational(ctx)
}

func (b *bench) versions() ([]Version, error) {
	server, err := b.clientset.Discovery().ServerVersion()
	if err != nil {
		return nil, err
	}
	return []Version{
		{"egov-operator", benchenv.OperatorVersion()},
		{"Go", runtime.Version()},
		{"Kubernetes (kube-apiserver)", kubernetesVersion(server.GitVersion)},
		{"controller-runtime", benchenv.ModuleVersion("sigs.k8s.io/controller-runtime")},
		{"cert-manager", benchenv.ModuleVersion("github.com/cert-manager/cert-manager")},
		{"kwok", os.Getenv("KWOK_VERSION")},
	}, nil
}

// kubernetesVersion is the API server's version, or the pinned one
// (KUBERNETES_VERSION from hack/versions.env) when the binary, built from
// source by hack/bootstrap.sh, carries no version stamp.
func kubernetesVersion(served string) string {
	if strings.HasPrefix(served, "v0.0.0") && os.Getenv("KUBERNETES_VERSION") != "" {
		return os.Getenv("KUBERNETES_VERSION")
	}
	return served
}

// setEnvironments makes every province run n stacks: production and n-1
// others.
func (b *bench) setEnvironments(n int) {
	b.environments = []string{platformv1alpha1.ProductionEnvironment}
	for i := 2; i <= n; i++ {
		b.environments = append(b.environments, fmt.Sprintf("env-%02d", i))
	}
}

// stackCount is how many stacks the fleet runs.
func (b *bench) stackCount() int { return len(b.units) * len(b.environments) }

// namespaces are the namespaces of every stack.
func (b *bench) namespaces() []string {
	var names []string
	for _, u := range b.units {
		for _, env := range b.environments {
			names = append(names, fleet.EnvironmentNamespace(u, env))
		}
	}
	return names
}

// scaled is a timeout that grows with the number of environments.
func (b *bench) scaled(d time.Duration) time.Duration { return d * time.Duration(len(b.environments)) }

func (b *bench) setUpNational(ctx context.Context) error {
	step("creating the national CA, NationalPlatform and PlatformRelease")
	return fleet.ApplyNational(ctx, b.admin, b.o.samples)
}

// createInputs creates every stack's namespace, then its RoleBinding and
// Secrets, then its custom resources: the moment it returns is when the
// custom resources started being created.
func (b *bench) createInputs(ctx context.Context) (time.Time, error) {
	var namespaces, setup, resources []client.Object
	for _, u := range b.units {
		for _, env := range b.environments {
			for _, obj := range fleet.Stack(u, env) {
				switch gvk := obj.GetObjectKind().GroupVersionKind(); {
				case gvk.Kind == "Namespace":
					namespaces = append(namespaces, obj)
				case gvk.Group == platformv1alpha1.GroupVersion.Group:
					resources = append(resources, obj)
				default:
					setup = append(setup, obj)
				}
			}
		}
	}
	for _, objs := range [][]client.Object{namespaces, setup} {
		if err := applyAll(ctx, b.admin, fleet.FieldOwner, objs); err != nil {
			return time.Time{}, err
		}
	}
	start := time.Now()
	return start, applyAll(ctx, b.admin, fleet.FieldOwner, resources)
}

// applyAll applies objects with server-side apply as owner, floorWorkers at a time.
func applyAll(ctx context.Context, c client.Client, owner string, objs []client.Object) error {
	work := make(chan client.Object)
	errs := make(chan error, len(objs))
	var wg sync.WaitGroup
	for range floorWorkers {
		wg.Go(func() {
			for obj := range work {
				u, err := render.Unstructured(obj)
				if err == nil {
					err = c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(owner), client.ForceOwnership)
				}
				if err != nil {
					errs <- fmt.Errorf("apply %s: %w", render.Describe(obj), err)
				}
			}
		})
	}
	for _, obj := range objs {
		work <- obj
	}
	close(work)
	wg.Wait()
	close(errs)
	return <-errs
}

// desired renders, as egovctl render does, the children of the provinces'
// custom resources as they are in the cluster now (their UIDs name the
// children's owners).
func (b *bench) desired(ctx context.Context) ([]client.Object, error) {
	kinds := []schema.GroupVersionKind{
		platformv1alpha1.GroupVersion.WithKind("NationalPlatform"), platformv1alpha1.GroupVersion.WithKind("PlatformRelease"),
		platformv1alpha1.GroupVersion.WithKind("Province"), platformv1alpha1.GroupVersion.WithKind("ProvinceAssignment"),
		platformv1alpha1.GroupVersion.WithKind("ProvincePortal"), platformv1alpha1.GroupVersion.WithKind("OneStopShop"),
		platformv1alpha1.GroupVersion.WithKind("DocExchangeNode"), platformv1alpha1.GroupVersion.WithKind("IntegrationPlatform"),
		corev1.SchemeGroupVersion.WithKind("Secret"),
		cmapi.SchemeGroupVersion.WithKind(cmapi.IssuerKind), cmapi.SchemeGroupVersion.WithKind(cmapi.ClusterIssuerKind),
		// cert-manager may issue a Certificate twice at birth: the render
		// takes the revisions the operator reads.
		cmapi.SchemeGroupVersion.WithKind(cmapi.CertificateKind),
	}
	var docs []*unstructured.Unstructured
	for _, gvk := range kinds {
		items, err := b.list(ctx, gvk)
		if err != nil {
			return nil, err
		}
		for i := range items {
			docs = append(docs, &items[i])
		}
	}
	m, err := offline.Decode(docs)
	if err != nil {
		return nil, err
	}
	return m.Render(offline.Filter{}, time.Now())
}

func (b *bench) list(ctx context.Context, gvk schema.GroupVersionKind) ([]unstructured.Unstructured, error) {
	l := &unstructured.UnstructuredList{}
	l.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	if err := b.admin.List(ctx, l); err != nil {
		return nil, fmt.Errorf("list %s: %w", gvk.Kind, err)
	}
	for i := range l.Items {
		l.Items[i].SetGroupVersionKind(gvk)
	}
	return l.Items, nil
}

// pending counts the desired children that are missing or differ from
// their render, decided by the operator's own drift check on the objects
// read as the operator reads them (typed, through controller-runtime's
// client); it returns one of the differences to tell what is left.
// inPlace remembers the resourceVersion of each child found in place: an
// unchanged child is not compared again, which at thousands of stacks
// would cost the bench more CPU than the operator it measures.
func (b *bench) pending(ctx context.Context, desired []client.Object, inPlace map[string]string) (int, string, error) {
	live := map[string]client.Object{}
	listed := map[schema.GroupVersionKind]bool{}
	s := b.admin.Scheme()
	count, example := 0, ""
	for _, obj := range desired {
		gvk, err := apiutil.GVKForObject(obj, s)
		if err != nil {
			return 0, "", err
		}
		if !listed[gvk] {
			items, err := b.listTyped(ctx, gvk)
			if err != nil {
				return 0, "", err
			}
			for _, item := range items {
				live[gvk.Kind+" "+item.GetNamespace()+"/"+item.GetName()] = item
			}
			listed[gvk] = true
		}
		id := gvk.Kind + " " + obj.GetNamespace() + "/" + obj.GetName()
		l, ok := live[id]
		if ok && inPlace[id] == l.GetResourceVersion() {
			continue
		}
		drift := "missing"
		if ok {
			if drift, err = controllers.Drift(s, l, obj); err != nil {
				return 0, "", fmt.Errorf("%s: %w", id, err)
			}
		}
		if drift != "" {
			count++
			example = id + ": " + drift
		} else {
			inPlace[id] = l.GetResourceVersion()
		}
	}
	return count, example, nil
}

// listTyped lists every object of a kind into its Go type, TypeMeta set.
func (b *bench) listTyped(ctx context.Context, gvk schema.GroupVersionKind) ([]client.Object, error) {
	newList, err := b.admin.Scheme().New(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	if err != nil {
		return nil, err
	}
	list, ok := newList.(client.ObjectList)
	if !ok {
		return nil, fmt.Errorf("%s is not a list", gvk)
	}
	if err := b.admin.List(ctx, list); err != nil {
		return nil, fmt.Errorf("list %s: %w", gvk.Kind, err)
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, err
	}
	objs := make([]client.Object, 0, len(items))
	for _, item := range items {
		obj, ok := item.(client.Object)
		if !ok {
			return nil, fmt.Errorf("%s is not an object", gvk)
		}
		obj.GetObjectKind().SetGroupVersionKind(gvk)
		objs = append(objs, obj)
	}
	return objs, nil
}

// waitConverged polls until every desired child is in place. A failed
// check is tried again: on a loaded machine a list can time out.
//
// With rerender set, desired is what the operator renders from the cluster,
// which the fleet changes as it converges: cert-manager may issue a
// Certificate twice at birth, and the workloads then carry its second
// revision. When no child came into place since the last check, desired is
// rendered again; it returns the desired children it ended with.
func (b *bench) waitConverged(ctx context.Context, desired []client.Object, rerender func(context.Context) ([]client.Object, error), timeout time.Duration) ([]client.Object, error) {
	left, example, lastErr := len(desired), "not checked yet", error(nil)
	inPlace := map[string]string{}
	err := wait.PollUntilContextTimeout(ctx, b.scaled(pollInterval), timeout, true, func(ctx context.Context) (bool, error) {
		n, ex, err := b.pending(ctx, desired, inPlace)
		if lastErr = err; err != nil {
			return false, nil
		}
		stalled := n > 0 && n == left
		left, example = n, ex
		if stalled && rerender != nil {
			if again, err := rerender(ctx); err == nil {
				desired, inPlace = again, map[string]string{}
			}
		}
		return left == 0, nil
	})
	if err != nil {
		if lastErr != nil {
			example += "; the last check failed: " + lastErr.Error()
		}
		return nil, fmt.Errorf("%d of %d children not in place (%s): %w", left, len(desired), example, err)
	}
	return desired, nil
}

// floorRun creates the inputs with the operator stopped, applies their
// render with apply and checks the result with the operator's drift check;
// then it deletes the provinces. It returns how long apply took.
func (b *bench) floorRun(ctx context.Context, apply func(context.Context, []client.Object) error) (time.Duration, int, error) {
	if _, err := b.createInputs(ctx); err != nil {
		return 0, 0, err
	}
	desired, err := b.desired(ctx)
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := apply(ctx, desired); err != nil {
		return 0, 0, err
	}
	took := time.Since(start)
	// The floor applied desired as it was: rendering again could only
	// differ from what it applied.
	if _, err := b.waitConverged(ctx, desired, nil, b.scaled(5*time.Minute)); err != nil {
		return 0, 0, err
	}
	step("  %d children applied in %s", len(desired), took.Round(time.Millisecond))
	return took, len(desired), b.cleanUp(ctx)
}

func (b *bench) applyFloor(ctx context.Context, objs []client.Object) error {
	return applyAll(ctx, b.asOperator, render.ManagedBy, objs)
}

func (b *bench) applyKubectl(ctx context.Context, objs []client.Object) error {
	manifest, err := render.YAML(objs)
	if err != nil {
		return err
	}
	file := filepath.Join(b.o.state, "floor.yaml")
	if err := os.WriteFile(file, manifest, 0o600); err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, b.o.kubectl, "--kubeconfig", filepath.Join(b.o.state, "operator.kubeconfig"),
		"apply", "--server-side", "--force-conflicts", "--field-manager", render.ManagedBy, "-f", file).CombinedOutput()
	if err != nil {
		return fmt.Errorf("kubectl apply: %w: %s", err, out)
	}
	return nil
}

// cleanUp deletes every stack's namespace and waits until they are gone,
// unless the fleet is kept for a fresh cluster to replace.
func (b *bench) cleanUp(ctx context.Context) error {
	if b.keepFleet {
		return nil
	}
	for _, name := range b.namespaces() {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if err := b.admin.Delete(ctx, ns); client.IgnoreNotFound(err) != nil {
			return err
		}
	}
	left := 0
	err := wait.PollUntilContextTimeout(ctx, time.Second, b.scaled(10*time.Minute), true, func(ctx context.Context) (bool, error) {
		left = 0
		for _, name := range b.namespaces() {
			err := b.admin.Get(ctx, client.ObjectKey{Name: name}, &corev1.Namespace{})
			if err == nil {
				left++
			} else if !apierrors.IsNotFound(err) {
				return false, nil
			}
		}
		return left == 0, nil
	})
	if err != nil {
		return fmt.Errorf("%d namespaces not deleted: %w", left, err)
	}
	return nil
}

// operatorRun starts the manager, creates the inputs and times until every
// child is in place, and what the manager spent until then. With report
// it goes on to measure the time to Ready, the idle cost and the change
// cost. It deletes the provinces before stopping the manager, which
// removes its finalizers.
func (b *bench) operatorRun(ctx context.Context, report *Report) (time.Duration, ManagerCost, error) {
	if err := b.startOperator(ctx); err != nil {
		return 0, ManagerCost{}, err
	}
	defer b.stopOperator()
	start, err := b.createInputs(ctx)
	if err != nil {
		return 0, ManagerCost{}, err
	}
	desired, err := b.desired(ctx)
	if err != nil {
		return 0, ManagerCost{}, err
	}
	if desired, err = b.waitConverged(ctx, desired, b.desired, b.scaled(15*time.Minute)); err != nil {
		return 0, ManagerCost{}, err
	}
	converged := time.Since(start)
	cost, err := b.managerCost(ctx)
	if err != nil {
		return 0, ManagerCost{}, err
	}
	step("  the operator put %d children in place in %s", len(desired), converged.Round(time.Millisecond))
	if report != nil {
		if err := b.measureAfterConvergence(ctx, report, start, desired); err != nil {
			return 0, ManagerCost{}, err
		}
	}
	return converged, cost, b.cleanUp(ctx)
}

// managerCost reads the running manager's metrics and process figures. It
// keeps the manager's /metrics and heap profile in the bench's state, one
// of each per fleet size (go tool pprof reads the profile): where the
// requests and the memory went.
func (b *bench) managerCost(ctx context.Context) (ManagerCost, error) {
	metrics, err := b.keepManagerPage(ctx, b.managerMetrics, "/metrics", "metrics")
	if err != nil {
		return ManagerCost{}, err
	}
	if _, err := b.keepManagerPage(ctx, b.managerPprof, "/debug/pprof/heap", "heap"); err != nil {
		return ManagerCost{}, err
	}
	cost, err := parseManagerMetrics(bytes.NewReader(metrics))
	if err != nil {
		return ManagerCost{}, err
	}
	cost.PeakRSS, cost.CPU, err = processCost(b.manager.Process.Pid)
	return cost, err
}

// keepManagerPage reads a page the manager serves and keeps it in the
// bench's state as name-<stacks>-stacks.
func (b *bench) keepManagerPage(ctx context.Context, addr, path, name string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read the manager's %s: %w", path, err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read the manager's %s: %w", path, err)
	}
	return page, os.WriteFile(filepath.Join(b.o.state, fmt.Sprintf("%s-%d-stacks", name, b.stackCount())), page, 0o644)
}

func (b *bench) measureAfterConvergence(ctx context.Context, report *Report, start time.Time, desired []client.Object) error {
	step("waiting for every stack to be Ready")
	if err := wait.PollUntilContextTimeout(ctx, 2*time.Second, 15*time.Minute, true, b.allReady); err != nil {
		return fmt.Errorf("not every stack is Ready: %w", err)
	}
	milestones, err := b.milestones(ctx)
	if err != nil {
		return err
	}
	report.ReadyStart, report.Milestones, report.Shares = start, milestones, attribute(start, milestones)
	report.Ready = max(milestones[len(milestones)-1].At.Sub(start), 0)
	// The fleet's report on the NationalPlatform follows the stacks up to
	// 5 s later: the last write of convergence, not one of the idle operator.
	if err := wait.PollUntilContextTimeout(ctx, time.Second, time.Minute, true, b.fleetReported); err != nil {
		return fmt.Errorf("the NationalPlatform does not report every province Ready: %w", err)
	}

	ours, err := b.operatorResources(desired)
	if err != nil {
		return err
	}
	step("counting idle requests for %s", b.o.idle)
	if report.Idle, err = b.requestsOver(ctx, ours, func(ctx context.Context) error {
		time.Sleep(b.o.idle)
		return nil
	}); err != nil {
		return err
	}
	step("changing a field of the NationalPlatform")
	if err := b.changeNational(ctx, &report.Change, desired, ours); err != nil {
		return err
	}
	step("rolling a new release to every province in one wave")
	report.Change.Rollout, err = b.rollOut(ctx)
	return err
}

// fleetReported reports whether the NationalPlatform counts every province Ready.
func (b *bench) fleetReported(ctx context.Context) (bool, error) {
	national := &platformv1alpha1.NationalPlatform{}
	if err := b.admin.Get(ctx, client.ObjectKey{Name: platformv1alpha1.NationalPlatformName}, national); err != nil {
		return false, err
	}
	fleet := national.Status.Provinces
	return fleet != nil && int(fleet.Ready) == len(b.units), nil
}

// allReady reports whether every ProvincePortal, OneStopShop and DocExchangeNode is Ready.
func (b *bench) allReady(ctx context.Context) (bool, error) {
	ready := 0
	for _, l := range []client.ObjectList{&platformv1alpha1.ProvincePortalList{}, &platformv1alpha1.OneStopShopList{}, &platformv1alpha1.DocExchangeNodeList{}} {
		if err := b.admin.List(ctx, l); err != nil {
			return false, err
		}
		items, err := meta.ExtractList(l)
		if err != nil {
			return false, err
		}
		for _, item := range items {
			if c := readyCondition(item.(client.Object)); c != nil && c.Status == metav1.ConditionTrue {
				ready++
			}
		}
	}
	return ready == 3*b.stackCount(), nil
}

func readyCondition(obj client.Object) *metav1.Condition {
	s, ok := obj.(interface {
		StatusCommon() *platformv1alpha1.CommonStatus
	})
	if !ok {
		return nil
	}
	return meta.FindStatusCondition(s.StatusCommon().Conditions, platformv1alpha1.ConditionReady)
}

// milestones reads, from the objects' own timestamps, when the last of the
// fleet's objects reached each step on the way to Ready.
func (b *bench) milestones(ctx context.Context) ([]Milestone, error) {
	certs, deployments, statefulSets, pods := &cmapi.CertificateList{}, &appsv1.DeploymentList{}, &appsv1.StatefulSetList{}, &corev1.PodList{}
	portals, shops, nodes := &platformv1alpha1.ProvincePortalList{}, &platformv1alpha1.OneStopShopList{}, &platformv1alpha1.DocExchangeNodeList{}
	for _, l := range []client.ObjectList{certs, deployments, statefulSets, pods, portals, shops, nodes} {
		if err := b.admin.List(ctx, l); err != nil {
			return nil, err
		}
	}
	provinceNamespaces := map[string]bool{}
	for _, name := range b.namespaces() {
		provinceNamespaces[name] = true
	}
	var certsCreated, certsIssued, workloadsCreated, podsReady, stacksReady time.Time
	later := func(t *time.Time, obj metav1.Object, at metav1.Time) {
		if provinceNamespaces[obj.GetNamespace()] {
			*t = maxTime(*t, at.Time)
		}
	}
	for i := range certs.Items {
		c := &certs.Items[i]
		later(&certsCreated, c, c.CreationTimestamp)
		for _, cond := range c.Status.Conditions {
			if cond.Type == cmapi.CertificateConditionReady && cond.Status == cmmeta.ConditionTrue && cond.LastTransitionTime != nil {
				later(&certsIssued, c, *cond.LastTransitionTime)
			}
		}
	}
	for i := range deployments.Items {
		later(&workloadsCreated, &deployments.Items[i], deployments.Items[i].CreationTimestamp)
	}
	for i := range statefulSets.Items {
		later(&workloadsCreated, &statefulSets.Items[i], statefulSets.Items[i].CreationTimestamp)
	}
	for i := range pods.Items {
		for _, cond := range pods.Items[i].Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
				later(&podsReady, &pods.Items[i], cond.LastTransitionTime)
			}
		}
	}
	for _, l := range []client.ObjectList{portals, shops, nodes} {
		items, err := meta.ExtractList(l)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			obj := item.(client.Object)
			if c := readyCondition(obj); c != nil {
				later(&stacksReady, obj, c.LastTransitionTime)
			}
		}
	}
	return []Milestone{
		{What: "Certificates created", Owner: "operator", At: certsCreated},
		{What: "Certificates issued (Ready)", Owner: "cert-manager", At: certsIssued},
		{What: "Deployments and StatefulSets created", Owner: "operator", At: workloadsCreated},
		{What: "pods Ready", Owner: "workloads (scheduler, kwok)", At: podsReady},
		{What: "ProvincePortals, OneStopShops and DocExchangeNodes Ready", Owner: "operator", At: stacksReady},
	}, nil
}

// operatorResources are the resources of the kinds the operator renders.
func (b *bench) operatorResources(desired []client.Object) (map[string]bool, error) {
	resources := map[string]bool{}
	for _, obj := range desired {
		gvk, err := apiutil.GVKForObject(obj, b.admin.Scheme())
		if err != nil {
			return nil, err
		}
		mapping, err := b.admin.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return nil, err
		}
		resources[resourceName(mapping.Resource.Group, mapping.Resource.Resource)] = true
	}
	return resources, nil
}

// resourceName names a resource as parseRequestCounts does.
func resourceName(group, resource string) string {
	if group == "" {
		return resource
	}
	return group + "/" + resource
}

// isOperators tells the writes the operator can have made: to the kinds it
// renders (not their subresources, which others write) and to its own API
// group.
func isOperators(ours map[string]bool) func(string) bool {
	return func(resource string) bool {
		return ours[resource] || strings.HasPrefix(resource, platformv1alpha1.GroupVersion.Group+"/")
	}
}

// requestsOver counts the API server's requests while during runs.
func (b *bench) requestsOver(ctx context.Context, ours map[string]bool, during func(context.Context) error) (RequestCost, error) {
	before, err := b.requestCounts(ctx)
	if err != nil {
		return RequestCost{}, err
	}
	start := time.Now()
	if err := during(ctx); err != nil {
		return RequestCost{}, err
	}
	after, err := b.requestCounts(ctx)
	if err != nil {
		return RequestCost{}, err
	}
	return costOf(after.since(before), time.Since(start), isOperators(ours)), nil
}

// costOf sums the requests of a window.
func costOf(delta RequestCounts, window time.Duration, operators func(string) bool) RequestCost {
	byResource := map[string]float64{}
	for k, v := range delta {
		if writeVerbs[k.Verb] {
			byResource[k.Resource] += v
		}
	}
	return RequestCost{
		Window:           window,
		OperatorWrites:   delta.sum(writeVerbs, operators),
		Writes:           delta.sum(writeVerbs, anyResource),
		Reads:            delta.sum(readVerbs, anyResource),
		WritesByResource: byResource,
	}
}

func (b *bench) requestCounts(ctx context.Context) (RequestCounts, error) {
	stream, err := b.clientset.CoreV1().RESTClient().Get().AbsPath("/metrics").Stream(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the API server's /metrics: %w", err)
	}
	defer stream.Close()
	return parseRequestCounts(stream)
}

// changedSourceCIDR is added to the national portal's source networks: it
// reaches every one-stop-shop's NetworkPolicy.
const changedSourceCIDR = "198.51.100.0/24"

// changeNational adds a network to the national portal's sources and
// measures until every stack reflects it.
func (b *bench) changeNational(ctx context.Context, cost *ChangeCost, before []client.Object, ours map[string]bool) error {
	cost.Field = "spec.publicServicePortal.sourceCIDRs (one network added)"
	var err error
	cost.Requests, err = b.requestsOver(ctx, ours, func(ctx context.Context) error {
		national := &platformv1alpha1.NationalPlatform{}
		if err := b.admin.Get(ctx, client.ObjectKey{Name: "national"}, national); err != nil {
			return err
		}
		patch := client.MergeFrom(national.DeepCopy())
		national.Spec.PublicServicePortal.SourceCIDRs = append(national.Spec.PublicServicePortal.SourceCIDRs, changedSourceCIDR)
		start := time.Now()
		if err := b.admin.Patch(ctx, national, patch); err != nil {
			return err
		}
		after, err := b.desired(ctx)
		if err != nil {
			return err
		}
		if cost.ChildrenChanged, err = changed(before, after); err != nil {
			return err
		}
		if _, err := b.waitConverged(ctx, after, b.desired, 10*time.Minute); err != nil {
			return err
		}
		cost.Converged = time.Since(start)
		// Let what the change set off (rolling pods) show in the counts.
		time.Sleep(10 * time.Second)
		return nil
	})
	// The bench's own patch is not the operator's.
	cost.Requests.OperatorWrites--
	cost.Requests.Writes--
	return err
}

// changed counts the objects of after that differ from before.
func changed(before, after []client.Object) (int, error) {
	old := map[string]*unstructured.Unstructured{}
	for _, obj := range before {
		u, err := render.Unstructured(obj)
		if err != nil {
			return 0, err
		}
		old[render.Describe(obj)] = u
	}
	n := 0
	for _, obj := range after {
		u, err := render.Unstructured(obj)
		if err != nil {
			return 0, err
		}
		if !equality.Semantic.DeepEqual(old[render.Describe(obj)], u) {
			n++
		}
	}
	return n, nil
}

// rolloutRelease is the release of the rollout sample.
const rolloutRelease = "egov-2027.01"

// rollOut rolls rolloutRelease to every province in one wave and returns
// when all are done.
func (b *bench) rollOut(ctx context.Context) (time.Duration, error) {
	objs, err := fleet.ReadManifests(filepath.Join(b.o.samples, "rollout_"+rolloutRelease+".yaml"))
	if err != nil {
		return 0, err
	}
	for _, o := range objs {
		if o.GetKind() == "PlatformRelease" {
			if err := fleet.Apply(ctx, b.admin, o); err != nil {
				return 0, err
			}
		}
	}
	var codes []platformv1alpha1.ProvinceCode
	for _, u := range b.units {
		codes = append(codes, platformv1alpha1.ProvinceCode(u.Code))
	}
	rollout := &platformv1alpha1.FleetRollout{
		TypeMeta:   metav1.TypeMeta{APIVersion: platformv1alpha1.GroupVersion.String(), Kind: "FleetRollout"},
		ObjectMeta: metav1.ObjectMeta{Name: "bench-" + rolloutRelease},
		Spec: platformv1alpha1.FleetRolloutSpec{
			Release: rolloutRelease, ProgressDeadlineSeconds: 900, SoakSeconds: ptr.To[int32](0),
			Waves: []platformv1alpha1.Wave{{Name: "all", Provinces: codes, MaxUnavailable: ptr.To(intstr.FromString("100%"))}},
		},
	}
	start := time.Now()
	if err := fleet.Apply(ctx, b.admin, rollout); err != nil {
		return 0, err
	}
	err = wait.PollUntilContextTimeout(ctx, time.Second, 20*time.Minute, true, func(ctx context.Context) (bool, error) {
		if err := b.admin.Get(ctx, client.ObjectKeyFromObject(rollout), rollout); err != nil {
			return false, err
		}
		return int(rollout.Status.Counts.Done) == len(b.units), nil
	})
	if err != nil {
		return 0, fmt.Errorf("rollout: %d of %d provinces done: %w", rollout.Status.Counts.Done, len(b.units), err)
	}
	took := time.Since(start)
	// The next run starts from the default release again.
	return took, b.admin.Delete(ctx, rollout)
}

// startOperator runs the manager under the chart's ServiceAccount, without
// its webhook server, and waits until it is ready.
func (b *bench) startOperator(ctx context.Context) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	logFile, err := os.OpenFile(filepath.Join(b.o.state, "logs", "bench-operator.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	metricsPort, err := freePort()
	if err != nil {
		return err
	}
	pprofPort, err := freePort()
	if err != nil {
		return err
	}
	probes := "127.0.0.1:" + strconv.Itoa(port)
	b.managerMetrics, b.managerPprof = "127.0.0.1:"+strconv.Itoa(metricsPort), "127.0.0.1:"+strconv.Itoa(pprofPort)
	cmd := exec.Command(b.o.manager, "--kubeconfig", filepath.Join(b.o.state, "operator.kubeconfig"),
		"--health-probe-bind-address", probes, "--metrics-bind-address", b.managerMetrics, "--metrics-secure=false",
		"--pprof-bind-address", b.managerPprof)
	cmd.Env = append(os.Environ(), "ENABLE_WEBHOOKS=false")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// The manager must not outlive the bench, whatever stops it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return err
	}
	b.manager = cmd
	return wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		resp, err := http.Get("http://" + probes + "/readyz")
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
}

// stopOperator stops the manager bench started, if it runs.
func (b *bench) stopOperator() {
	if b.manager == nil {
		return
	}
	_ = b.manager.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- b.manager.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = b.manager.Process.Kill()
		<-done
	}
	b.manager = nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
