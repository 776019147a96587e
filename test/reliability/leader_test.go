//go:build reliability

package reliability

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/fleet"
)

const (
	// leaseName is the manager's LeaderElectionID (cmd/manager); its Lease
	// lives in the operator's namespace, where the chart grants the
	// manager its leader-election Role.
	leaseName = "egov-operator.platform.egov.vn"
	// leaseDuration is controller-runtime's default, which cmd/manager
	// keeps: a candidate takes a Lease its holder has not renewed for that
	// long.
	leaseDuration = 15 * time.Second
	// maxTakeover bounds the time from the leader's death to the standby
	// holding the Lease: the lease's duration, the standby's retry period
	// (2 s, jittered) and room for this loaded machine.
	maxTakeover = 2 * leaseDuration
)

// What controller-runtime's leader election (client-go's) logs.
const (
	logCandidate = "Attempting to acquire leader lease"
	logLeader    = "Successfully acquired lease"
)

// The manager runs as two processes electing a leader, as the chart's two
// replicas do, and the leader is SIGKILLed while the provinces converge:
// the standby takes the Lease within twice its duration, every stack
// converges with no child duplicated or orphaned, and the standby started
// no controller while it waited.
func TestTheStandbyTakesOverWhenTheLeaderIsKilled(t *testing.T) {
	codes := served(t)
	single := running(t, "operator")
	single.stop(t, syscall.SIGTERM)
	var pair []process
	t.Cleanup(func() {
		// The other scenarios run the single manager again.
		for _, p := range pair {
			if !p.exited() {
				p.stop(t, syscall.SIGTERM)
			}
		}
		single.restart(t)
	})

	// The first candidate serves its webhooks on a port of its own, the
	// standby on the one the webhook configuration calls: admission keeps
	// working once the first is killed.
	leader := start(t, "operator-elect-1", electing(single.args, freePort(t)))
	pair = append(pair, leader)
	var holder string
	eventually(t, time.Minute, "the first candidate holding the Lease", func() error {
		var err error
		if holder, err = leaseHolder(); err != nil {
			return err
		}
		return logged(t, leader, logLeader)
	})
	standby := start(t, "operator-elect-2", electing(single.args, ""))
	pair = append(pair, standby)
	eventually(t, time.Minute, "the second process a candidate", func() error { return logged(t, standby, logCandidate) })
	t.Logf("%s holds the Lease; %s waits", leader.name, standby.name)

	if now, err := leaseHolder(); err != nil || now != holder || logged(t, standby, logLeader) == nil {
		t.Fatalf("the Lease is held by %q (%v), not by %s's %q alone", now, err, leader.name, holder)
	}

	// The provinces converge again: their children but the Certificates
	// and Issuers (whose reissue would roll the workloads) are deleted, and
	// the leader dies as the last deletion returns, recreating them.
	before := deleteChildren(t, codes, func(o client.Object) bool {
		return !isKind[*cmapi.Certificate](o) && !isKind[*cmapi.Issuer](o)
	})
	leader.stop(t, syscall.SIGKILL)
	killed := time.Now()
	missing, err := notRecreated(codes, before)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed the leader with %d of %d deleted children not recreated", len(missing), len(before))
	if len(missing) == 0 {
		t.Error("the leader recreated every child before it was killed: it did not die while the provinces converged")
	}

	eventually(t, maxTakeover-time.Since(killed), "the standby holding the Lease", func() error {
		now, err := leaseHolder()
		if err != nil {
			return err
		}
		if now == holder {
			return fmt.Errorf("the killed leader %q still holds it", holder)
		}
		return logged(t, standby, logLeader)
	})
	t.Logf("the standby took the Lease %s after the leader was killed", time.Since(killed).Round(100*time.Millisecond))
	recreated(t, codes, before)
	eventually(t, convergeTimeout(), "the served provinces Ready", func() error { return converged(codes) })
	nothingDuplicatedOrOrphaned(t, codes, 0)
	waitedAsStandby(t, standby)
	managerDidNotPanic(t)
}

// electing is the manager's command line args, electing a leader through
// the operator's Lease, with its webhook server on port unless empty.
func electing(args []string, port string) []string {
	out := append(append([]string(nil), args...), "--leader-elect", "--leader-election-namespace", fleet.OperatorNamespace)
	if port == "" {
		return out
	}
	for i, arg := range out {
		if arg == "--webhook-bind-address" && i+1 < len(out) {
			out[i+1] = "127.0.0.1:" + port
			return out
		}
		if strings.HasPrefix(arg, "--webhook-bind-address=") {
			out[i] = "--webhook-bind-address=127.0.0.1:" + port
			return out
		}
	}
	return append(out, "--webhook-bind-address=127.0.0.1:"+port)
}

// freePort is a loopback port nobody listens on (hack/cluster.sh port).
func freePort(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(root, "hack", "cluster.sh"), "port").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// leaseHolder is the identity holding the manager's Lease, empty when none.
func leaseHolder() (string, error) {
	lease := &coordinationv1.Lease{}
	if err := k8s.Get(ctx(), client.ObjectKey{Namespace: fleet.OperatorNamespace, Name: leaseName}, lease); err != nil {
		return "", err
	}
	if ptr.Deref(lease.Spec.HolderIdentity, "") == "" {
		return "", fmt.Errorf("Lease %s/%s has no holder", lease.Namespace, lease.Name)
	}
	return *lease.Spec.HolderIdentity, nil
}

// logged says whether p's log holds message.
func logged(t *testing.T, p process, message string) error {
	t.Helper()
	if !strings.Contains(p.log(t), message) {
		return fmt.Errorf("%s has not logged %q", p.name, message)
	}
	return nil
}

// waitedAsStandby fails unless p's log shows no controller at work before
// p acquired the Lease, and controllers starting after: a standby that
// reconciled would fight the leader over every child.
func waitedAsStandby(t *testing.T, p process) {
	t.Helper()
	leading, started := false, 0
	for _, line := range strings.Split(p.log(t), "\n") {
		var entry struct{ Msg, Controller string }
		if json.Unmarshal([]byte(line), &entry) != nil {
			continue
		}
		switch {
		case strings.HasPrefix(entry.Msg, logLeader):
			leading = true
		case entry.Controller == "":
		case !leading:
			t.Errorf("%s's controller %s worked while it was the standby: %s", p.name, entry.Controller, line)
		case entry.Msg == "Starting workers":
			started++
		}
	}
	if !leading || started == 0 {
		t.Errorf("%s's log shows it leading (%v) and %d controllers starting after: want both", p.name, leading, started)
	}
}
