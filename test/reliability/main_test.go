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
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/egov-vn/egov-operator/internal/scheme"
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
	state = filepath.Join(root, ".state", "reliability")
	os.Setenv("EGOV_CLUSTER_STATE", state)
	code := run(m)
	// The cluster goes down whatever happened above.
	down := exec.Command(filepath.Join(root, "hack", "cluster.sh"), "down")
	down.Stdout, down.Stderr = os.Stdout, os.Stderr
	if err := down.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "cluster down:", err)
	}
	os.Exit(code)
}

// run brings up the cluster, the operator and the national objects, with
// no province: each test serves its provinces itself.
func run(m *testing.M) int {
	// The restarted processes of an earlier run logged to files of their own.
	if err := os.RemoveAll(filepath.Join(state, "logs")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	demo := exec.Command(filepath.Join(root, "hack", "demo.sh"), "--provinces=false")
	demo.Dir, demo.Stdout, demo.Stderr = root, os.Stdout, os.Stderr
	if err := demo.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "the demo did not bring the cluster up:", err)
		return 1
	}
	var err error
	if admin, err = clientcmd.BuildConfigFromFlags("", filepath.Join(state, "admin.kubeconfig")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	admin.QPS, admin.Burst = 100, 200
	if k8s, err = client.NewWithWatch(admin, client.Options{Scheme: scheme.New()}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// eventually polls check until it returns nil, failing after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, check func() error) {
	t.Helper()
	testenv.Eventually(t, timeout, what, check)
}

func ctx() context.Context { return context.Background() }
