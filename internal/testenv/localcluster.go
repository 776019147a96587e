package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/scheme"
)

// LocalCluster is the local cluster of hack/demo.sh a suite runs on.
type LocalCluster struct {
	// State is the cluster's state directory, .state/<suite>.
	State string
	// Admin is the administrator's client configuration, Client a client of it.
	Admin  *rest.Config
	Client client.WithWatch
}

// RunOnLocalCluster brings up a local cluster in .state/<suite> with
// hack/demo.sh (given demoArgs), hands it to use, runs the suite's tests and
// stops the cluster whatever happened. It returns the exit code for os.Exit.
func RunOnLocalCluster(m *testing.M, suite string, use func(LocalCluster), demoArgs ...string) int {
	root := RepoRoot()
	state := filepath.Join(root, ".state", suite)
	os.Setenv("EGOV_CLUSTER_STATE", state)
	code := func() int {
		// Processes an earlier run restarted logged to files of their own.
		if err := os.RemoveAll(filepath.Join(state, "logs")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		demo := exec.Command(filepath.Join(root, "hack", "demo.sh"), demoArgs...)
		demo.Dir, demo.Stdout, demo.Stderr = root, os.Stdout, os.Stderr
		if err := demo.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "the demo did not bring the cluster up:", err)
			return 1
		}
		admin, err := clientcmd.BuildConfigFromFlags("", filepath.Join(state, "admin.kubeconfig"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		admin.QPS, admin.Burst = 100, 200
		c, err := client.NewWithWatch(admin, client.Options{Scheme: scheme.New()})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		use(LocalCluster{State: state, Admin: admin, Client: c})
		return m.Run()
	}()
	down := exec.Command(filepath.Join(root, "hack", "cluster.sh"), "down")
	down.Stdout, down.Stderr = os.Stdout, os.Stderr
	if err := down.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "cluster down:", err)
	}
	return code
}
