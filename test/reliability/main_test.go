//go:build reliability

// Package reliability disturbs the operator on the local cluster of
// hack/cluster.sh (the one `make test-e2e` uses, with its own state in
// .state/reliability) and checks that nothing is lost: the manager killed
// while provinces converge and while a rollout runs, the API server
// restarted, cert-manager stopped, children deleted. `make
// test-reliability` runs it at a size that fits CI; -args -provinces 34
// -kills 10 runs the full size.
package reliability

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/egov-vn/egov-operator/internal/reliabilityreport"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

var (
	provinceCount = flag.Int("provinces", 4, "how many provinces the suite serves (34 is the whole country); Hà Tĩnh, the sample rollout's pilot, is always one")
	kills         = flag.Int("kills", 3, "how many times the manager is SIGKILLed while provinces converge, and again while a rollout runs")
)

var (
	k8s   client.WithWatch
	admin *rest.Config
	root  string
	state string
)

func TestMain(m *testing.M) {
	flag.Parse()
	ctrllog.SetLogger(logr.Discard())
	root = testenv.RepoRoot()
	// The cluster, the operator and the national objects, with no province:
	// each test serves its provinces itself.
	os.Exit(testenv.RunOnLocalCluster(m, "reliability", func(c testenv.LocalCluster) {
		k8s, admin, state = c.Client, c.Admin, c.State
	}, "--provinces=false"))
}

// size is the size a scenario ran at: how many provinces it served and how
// many times it SIGKILLed the manager.
type size struct{ provinces, kills int }

// sizes holds each scenario's size by test name.
var sizes = map[string]*size{}

// sizeOf returns t's size, which t logs when it ends, for the report
// `make test-reliability` writes (docs/reliability.md).
func sizeOf(t *testing.T) *size {
	t.Helper()
	s, ok := sizes[t.Name()]
	if !ok {
		s = &size{}
		sizes[t.Name()] = s
		t.Cleanup(func() { t.Log(reliabilityreport.SizeLine(s.provinces, s.kills)) })
	}
	return s
}

// eventually polls check until it returns nil, failing after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, check func() error) {
	t.Helper()
	testenv.Eventually(t, timeout, what, check)
}

func ctx() context.Context { return context.Background() }
