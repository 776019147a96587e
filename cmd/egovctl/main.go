// Command egovctl is the command line of the egov-operator: it lists the
// provinces, renders offline what the operator would apply, and reports the
// fleet's status. Installed as kubectl-egov it runs as `kubectl egov`.
package main

import (
	"os"
	"path/filepath"
	"strings"
)

func main() {
	cmd := newRootCommand(commandName(os.Args[0]))
	if err := cmd.Execute(); err != nil {
		os.Exit(1)
	}
}

// commandName is how the user invoked egovctl, for usage lines: kubectl runs
// a plugin kubectl-egov found on the PATH for `kubectl egov`.
func commandName(arg0 string) string {
	base := strings.TrimSuffix(filepath.Base(arg0), ".exe")
	if name, ok := strings.CutPrefix(base, "kubectl-"); ok {
		return "kubectl " + strings.ReplaceAll(name, "_", "-")
	}
	return "egovctl"
}
