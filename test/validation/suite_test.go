// Package validation checks the CRDs' admission rules against a real
// kube-apiserver: every sample is accepted, every manifest of the invalid
// corpus is refused with a message that names the field.
package validation

import (
	"fmt"
	"os"
	"testing"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/testenv"
)

var (
	k8s client.Client
	cfg *rest.Config
)

func TestMain(m *testing.M) {
	env, config, err := testenv.Start()
	cfg = config
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	k8s, err = client.New(cfg, client.Options{Scheme: testenv.Scheme()})
	code := m.Run()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	if stopErr := env.Stop(); stopErr != nil {
		fmt.Fprintln(os.Stderr, stopErr)
	}
	os.Exit(code)
}
