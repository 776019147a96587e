//go:build reliability

package reliability

import (
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The API server restarts while the manager reconciles the children just
// deleted: the manager reconnects on its own, the same process, recreates
// them, and still acts on what changes after the restart (its watches are
// back).
func TestTheManagerRidesOutAnAPIServerRestart(t *testing.T) {
	codes := served(t)
	manager := running(t, "operator")
	apiserver := running(t, "kube-apiserver")
	policies := deleteChildren(t, codes, isKind[*networkingv1.NetworkPolicy])
	apiserver.stop(t, syscall.SIGTERM)
	// Down long enough for the manager's requests and watches to fail.
	time.Sleep(5 * time.Second)
	apiserver.restart(t)
	recreated(t, codes, policies)
	recreated(t, codes, deleteChildren(t, codes, isKind[*corev1.Service]))
	eventually(t, convergeTimeout(), "the served provinces Ready", func() error { return converged(codes) })
	if now := running(t, "operator"); now.pid != manager.pid {
		t.Errorf("the manager was restarted: pid %d, then %d", manager.pid, now.pid)
	}
	managerDidNotPanic(t)
}

// isKind says whether obj is a T.
func isKind[T client.Object](obj client.Object) bool {
	_, ok := obj.(T)
	return ok
}
