//go:build reliability

package reliability

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// process is one of the cluster's processes hack/cluster.sh started (or
// restarted), recorded in its pids file under name or name-N.
type process struct {
	name string
	pid  int
	args []string
}

// running returns the latest process started under name, with the command
// line it runs.
func running(t *testing.T, name string) process {
	t.Helper()
	p := recorded(t, name)
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.pid))
	if err != nil {
		t.Fatalf("%s (pid %d) is not running: %v", name, p.pid, err)
	}
	p.args = strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00")
	return p
}

// recorded returns the latest process hack/cluster.sh recorded under name.
func recorded(t *testing.T, name string) process {
	t.Helper()
	f, err := os.Open(filepath.Join(state, "pids"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var p process
	s := bufio.NewScanner(f)
	for s.Scan() {
		pid, entry, _ := strings.Cut(s.Text(), " ")
		if entry == name || strings.HasPrefix(entry, name+"-") {
			if p.pid, err = strconv.Atoi(pid); err != nil {
				t.Fatal(err)
			}
			p.name = entry
		}
	}
	if p.pid == 0 {
		t.Fatalf("no process %s in %s/pids", name, state)
	}
	return p
}

// stop sends sig and waits until the process is gone.
func (p process) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(p.pid, sig); err != nil {
		t.Fatalf("signal %s (pid %d): %v", p.name, p.pid, err)
	}
	if sig == syscall.SIGKILL && strings.HasPrefix(p.name, "operator") {
		sizeOf(t).kills++
	}
	// The API server drains its watches for up to a minute after SIGTERM.
	eventually(t, 2*time.Minute, p.name+" exits", func() error {
		if p.exited() {
			return nil
		}
		return fmt.Errorf("pid %d still runs", p.pid)
	})
}

// exited says whether the process is gone. It is hack/cluster.sh's
// orphan: init reaps it, and until then it is a zombie, as good as gone.
func (p process) exited() bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
	return err != nil || bytes.Contains(stat, []byte(") Z "))
}

// restart starts the same command line again beside the cluster, logged
// to a new file so the earlier runs' logs stay readable.
func (p process) restart(t *testing.T) process {
	t.Helper()
	base, _, _ := strings.Cut(p.name, "-restart")
	return start(t, fmt.Sprintf("%s-restart%d", base, time.Now().UnixNano()), p.args)
}

// start runs args beside the cluster under name (hack/cluster.sh run),
// logged to logs/<name>.log and stopped with the cluster.
func start(t *testing.T, name string, args []string) process {
	t.Helper()
	run := exec.Command(filepath.Join(root, "hack", "cluster.sh"), append([]string{"run", name}, args...)...)
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("start %s: %v: %s", name, err, out)
	}
	// The new process may not have executed its command yet: its command
	// line is the one it was given.
	started := recorded(t, name)
	started.args = args
	return started
}

// log returns what the process has logged so far.
func (p process) log(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(state, "logs", p.name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// managerLogs returns every log the manager wrote in this run, restarts
// included.
func managerLogs(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(state, "logs", "operator*.log"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	return all.String()
}

// managerDidNotPanic fails when a manager's log shows a panic, recovered
// by controller-runtime or not.
func managerDidNotPanic(t *testing.T) {
	t.Helper()
	for _, line := range strings.Split(managerLogs(t), "\n") {
		// A recovered panic reads "Observed a panic", an unrecovered one "panic:".
		if strings.Contains(line, "Observed a panic") || strings.Contains(line, "panic:") {
			t.Errorf("the manager panicked: %s", line)
		}
	}
}
