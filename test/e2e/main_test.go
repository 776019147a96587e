//go:build e2e

// Package e2e runs the operator's whole job on the local cluster of
// hack/cluster.sh (real API server, controller-manager, scheduler, kwok
// nodes, cert-manager's real controllers), with the operator installed from
// its Helm chart and the manager run as a process under the chart's
// ServiceAccount and RBAC: `make test-e2e`.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/egov-vn/egov-operator/internal/scheme"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

var (
	k8s   client.WithWatch
	state string
)

func TestMain(m *testing.M) {
	ctrllog.SetLogger(logr.Discard())
	root := testenv.RepoRoot()
	state = filepath.Join(root, ".state", "e2e")
	os.Setenv("EGOV_CLUSTER_STATE", state)
	code := run(m, root)
	// The cluster goes down whatever happened above.
	down := exec.Command(filepath.Join(root, "hack", "cluster.sh"), "down")
	down.Stdout, down.Stderr = os.Stdout, os.Stderr
	if err := down.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "cluster down:", err)
	}
	os.Exit(code)
}

// run brings the whole fleet up with the demo, then runs the tests.
func run(m *testing.M, root string) int {
	demo := exec.Command(filepath.Join(root, "hack", "demo.sh"))
	demo.Dir, demo.Stdout, demo.Stderr = root, os.Stdout, os.Stderr
	if err := demo.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "the demo did not bring the fleet up:", err)
		return 1
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", filepath.Join(state, "admin.kubeconfig"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cfg.QPS, cfg.Burst = 100, 200
	if k8s, err = client.NewWithWatch(cfg, client.Options{Scheme: scheme.New()}); err != nil {
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
