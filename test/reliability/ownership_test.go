//go:build reliability

package reliability

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

// Fight settings: the intruder writes every fightInterval, fightWrites times.
const (
	fightInterval = 3 * time.Second
	fightWrites   = 10
	// maxAppliesPerWrite bounds the operator's server-side applies of
	// Deployments per write of the intruder: it applies only a child that
	// differs from its render, so one write needs one apply; the rest is
	// room for a reconcile racing the write. A hot loop makes hundreds.
	maxAppliesPerWrite = 3
)

// apiRequests sums the API server's apiserver_request_total over the
// series holding every label given (e.g. `verb="APPLY"`), from its own
// metrics: what every client sent, whatever the operator counts itself.
func apiRequests(t *testing.T, labels ...string) int {
	t.Helper()
	clients, err := kubernetes.NewForConfig(admin)
	if err != nil {
		t.Fatal(err)
	}
	metrics, err := clients.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx())
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	lines := bufio.NewScanner(bytes.NewReader(metrics))
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		line := lines.Text()
		sample, isRequests := strings.CutPrefix(line, "apiserver_request_total{")
		series, value, ok := strings.Cut(sample, "} ")
		if !isRequests || !ok || !containsAll(series, labels) {
			continue
		}
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		total += int(n)
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// deploymentApplies counts the server-side applies of Deployments: only
// the operator and the suite's own setup apply them.
func deploymentApplies(t *testing.T) int {
	return apiRequests(t, `resource="deployments"`, `subresource=""`, `verb="APPLY"`)
}

// Another field manager keeps setting the replicas of a portal's
// Deployment, a field the operator owns: the operator sets them back every
// time and wins in the end, with a bounded number of writes (counted by the
// API server), never a hot loop.
func TestTheOperatorWinsAFieldFightWithoutAHotLoop(t *testing.T) {
	codes := served(t)
	u, _ := provinces.Lookup(codes[0])
	deployment := &appsv1.Deployment{}
	key := types.NamespacedName{Namespace: namespaceOf(codes[0]), Name: u.Slug + "-" + render.RolePortal}
	if err := k8s.Get(ctx(), key, deployment); err != nil {
		t.Fatal(err)
	}
	want := *deployment.Spec.Replicas
	intruding := fmt.Sprintf(`{"spec":{"replicas":%d}}`, want+3)
	applies := deploymentApplies(t)
	restored := 0
	for range fightWrites {
		if err := k8s.Patch(ctx(), deployment, client.RawPatch(types.MergePatchType, []byte(intruding)), client.FieldOwner("intruder")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(fightInterval)
		if err := k8s.Get(ctx(), key, deployment); err != nil {
			t.Fatal(err)
		}
		if *deployment.Spec.Replicas == want {
			restored++
		}
	}
	applies = deploymentApplies(t) - applies
	t.Logf("the operator applied Deployments %d times against %d writes of the intruder, restoring the field %d times", applies, fightWrites, restored)
	eventually(t, time.Minute, "the operator's replicas back", func() error {
		if err := k8s.Get(ctx(), key, deployment); err != nil {
			return err
		}
		if *deployment.Spec.Replicas != want {
			return fmt.Errorf("replicas %d, want %d", *deployment.Spec.Replicas, want)
		}
		return nil
	})
	if restored < fightWrites/2 {
		t.Errorf("the operator restored the field after %d of %d writes", restored, fightWrites)
	}
	if applies > maxAppliesPerWrite*fightWrites {
		t.Errorf("the operator applied Deployments %d times against %d writes: a hot loop", applies, fightWrites)
	}
	managerDidNotPanic(t)
}
