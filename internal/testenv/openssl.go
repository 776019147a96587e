package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// OpenSSLVerify verifies leaf with the openssl command: root is trusted,
// intermediate is offered as an untrusted chain element, args add options
// such as "-purpose", "sslclient". OpenSSL enforces name constraints on
// what crypto/x509 ignores (a host-name-like common name), so every chain
// the operator produces is checked with both. A missing openssl is an
// error, never a skip.
func OpenSSLVerify(root, intermediate, leaf []byte, args ...string) error {
	dir, err := os.MkdirTemp("", "openssl-verify")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files := map[string][]byte{"root.pem": root, "intermediate.pem": intermediate, "leaf.pem": leaf}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	cmdArgs := append([]string{"verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem"}, args...)
	cmd := exec.Command("openssl", append(cmdArgs, "leaf.pem")...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("openssl %s: %v: %s", strings.Join(cmdArgs, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// OpenSSLKeyUsage returns the key usage extension of a PEM certificate as
// OpenSSL prints it, e.g. "Digital Signature, Non Repudiation".
func OpenSSLKeyUsage(cert []byte) (string, error) {
	cmd := exec.Command("openssl", "x509", "-noout", "-ext", "keyUsage")
	cmd.Stdin = strings.NewReader(string(cert))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("openssl x509 -ext keyUsage: %v: %s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}
