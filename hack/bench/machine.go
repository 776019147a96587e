package main

import "github.com/egov-vn/egov-operator/internal/benchenv"

// machine describes this machine from /proc.
func machine() Machine {
	m := benchenv.ThisMachine()
	return Machine{CPU: m.CPU, Cores: m.Cores, MemoryGiB: m.MemoryGiB, Load: m.Load}
}

// moduleVersion is the version of a module the bench is built with.
func moduleVersion(path string) string { return benchenv.ModuleVersion(path) }

// operatorVersion is the checkout's commit, marked dirty when it has changes.
func operatorVersion() string { return benchenv.OperatorVersion() }
