// Package testenv starts a real kube-apiserver and etcd (built by
// hack/bootstrap.sh, found through KUBEBUILDER_ASSETS) with the operator's
// CRDs and cert-manager's installed, for integration tests.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/egov-vn/egov-operator/internal/scheme"
)

// Scheme returns a scheme with Kubernetes', cert-manager's and our kinds.
func Scheme() *k8sruntime.Scheme { return scheme.New() }

// RepoRoot returns the repository's root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// CertManagerCRDs returns the directory of cert-manager's CRDs in the module
// cache, at the version go.mod requires.
func CertManagerCRDs() (string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/cert-manager/cert-manager")
	cmd.Dir = RepoRoot()
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("locate the cert-manager module: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "deploy", "crds"), nil
}

// Start starts the API server with every CRD installed; configure, if any,
// adds to the environment (e.g. the webhooks to install). It fails rather
// than skips when the binaries are missing: a test run that tests nothing must
// not pass.
func Start(configure ...func(*envtest.Environment)) (*envtest.Environment, *rest.Config, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return nil, nil, fmt.Errorf("KUBEBUILDER_ASSETS is not set: run the tests with `make test`, which builds etcd and kube-apiserver into bin/k8s")
	}
	certManager, err := CertManagerCRDs()
	if err != nil {
		return nil, nil, err
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(RepoRoot(), "config", "crd", "bases"), certManager},
		ErrorIfCRDPathMissing: true,
		Scheme:                Scheme(),
	}
	for _, c := range configure {
		c(env)
	}
	cfg, err := env.Start()
	if err != nil {
		// A CRD the server refuses fails Start after the server is up: stop it.
		_ = env.Stop()
		return nil, nil, fmt.Errorf("start the test API server: %w", err)
	}
	return env, cfg, nil
}

// Eventually polls check until it returns nil, failing the test with the
// last error once timeout has passed.
func Eventually(t testing.TB, timeout time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
