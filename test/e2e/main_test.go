//go:build e2e

// Package e2e runs the operator's whole job on the local cluster of
// hack/cluster.sh (real API server, controller-manager, scheduler, kwok
// nodes, cert-manager's real controllers), with the operator installed from
// its Helm chart and the manager run as a process under the chart's
// ServiceAccount and RBAC: `make test-e2e`.
package e2e

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/egov-vn/egov-operator/internal/testenv"
)

var (
	k8s   client.WithWatch
	state string
)

func TestMain(m *testing.M) {
	ctrllog.SetLogger(logr.Discard())
	// The demo brings the whole fleet up, then the tests run.
	os.Exit(testenv.RunOnLocalCluster(m, "e2e", func(c testenv.LocalCluster) { k8s, state = c.Client, c.State }))
}

// eventually polls check until it returns nil, failing after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, check func() error) {
	t.Helper()
	testenv.Eventually(t, timeout, what, check)
}

func ctx() context.Context { return context.Background() }
