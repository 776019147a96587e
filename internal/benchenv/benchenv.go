// Package benchenv describes where a generated report (docs/benchmarks.md,
// docs/reliability.md) was measured: the machine and the versions of what
// ran, read from the machine and the build, never typed by hand.
package benchenv

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// Machine is the machine a report was measured on.
type Machine struct {
	CPU       string
	Cores     int
	MemoryGiB float64
	// Load is /proc/loadavg's 1, 5 and 15 minute averages when it was read.
	Load string
}

// ThisMachine describes this machine from /proc.
func ThisMachine() Machine {
	m := Machine{CPU: "unknown", Cores: runtime.NumCPU()}
	if v, ok := ProcField("/proc/cpuinfo", "model name"); ok {
		m.CPU = v
	}
	if v, ok := ProcField("/proc/meminfo", "MemTotal"); ok {
		kib, _ := strconv.ParseFloat(strings.TrimSuffix(v, " kB"), 64)
		m.MemoryGiB = kib / (1 << 20)
	}
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		if fields := strings.Fields(string(load)); len(fields) >= 3 {
			m.Load = strings.Join(fields[:3], " ")
		}
	}
	return m
}

// ProcField returns the value of the first "name : value" line of a /proc file.
func ProcField(path, name string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		key, value, ok := strings.Cut(s.Text(), ":")
		if ok && strings.TrimSpace(key) == name {
			return strings.TrimSpace(value), true
		}
	}
	return "", false
}

// ModuleVersion is the version of a module the running binary is built
// with; when the binary does not link it (a report written after the
// tests that did), the version the main module requires, from `go list`
// in the current directory.
func ModuleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == path {
				return dep.Version
			}
		}
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", path).Output()
	if v := strings.TrimSpace(string(out)); err == nil && v != "" {
		return v
	}
	return "unknown"
}

// OperatorVersion is the checkout's commit, marked dirty when it has changes.
func OperatorVersion() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// Version is one component's version.
type Version struct {
	Name, Version string
}
