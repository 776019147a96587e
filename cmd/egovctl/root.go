package main

import (
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/scheme"
)

// cluster is how the commands that read a cluster reach it: --kubeconfig and
// --context, loaded as kubectl loads them ($KUBECONFIG, ~/.kube/config).
type cluster struct {
	kubeconfig string
	context    string
	// connect returns the client; tests replace it with a fake.
	connect func() (client.WithWatch, error)
	clock   clock.PassiveClock
}

func newCluster() *cluster {
	c := &cluster{clock: clock.RealClock{}}
	c.connect = c.fromKubeconfig
	return c
}

func (c *cluster) fromKubeconfig() (client.WithWatch, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = c.kubeconfig
	config, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: c.context}).ClientConfig()
	if err != nil {
		return nil, err
	}
	return client.NewWithWatch(config, client.Options{Scheme: scheme.New()})
}

// newRootCommand returns egovctl's command tree; name is how it was invoked
// (egovctl, or kubectl egov as a plugin), used in usage and examples.
func newRootCommand(name string) *cobra.Command {
	return newRootCommandFor(name, newCluster())
}

func newRootCommandFor(name string, c *cluster) *cobra.Command {
	root := &cobra.Command{
		// The display name keeps "kubectl egov" whole in usage lines.
		Use:         strings.ReplaceAll(name, " ", "-"),
		Annotations: map[string]string{cobra.CommandDisplayNameAnnotation: name},
		Short:       "The command line of the egov-operator",
		Long: `The command line of the egov-operator: list the 34 provincial-level units,
render offline the objects the operator would apply for a province's
manifests, and read the fleet's status from the cluster.

Installed as kubectl-egov on the PATH (ln -s egovctl kubectl-egov), it also
runs as "kubectl egov".`,
		Example: examples(name, `
# The 34 units and what an old code became
egovctl provinces
egovctl provinces --legacy 02

# What the operator would apply for Hà Tĩnh's manifests
egovctl render -f config/samples/ --province 42

# The fleet, and a rollout's waves
egovctl status
egovctl status rollout egov-2026.12`),
		SilenceUsage: true,
	}
	root.PersistentFlags().StringVar(&c.kubeconfig, "kubeconfig", "", "path to the kubeconfig file to use for CLI requests")
	root.PersistentFlags().StringVar(&c.context, "context", "", "the name of the kubeconfig context to use")
	// cobra adds the completion command (bash, zsh, fish, powershell) itself.
	root.AddCommand(
		newProvincesCommand(name),
		newRenderCommand(name, c),
		newStatusCommand(name, c),
		newValidateCommand(name),
	)
	return root
}

// examples indents an example block and names the command as invoked.
func examples(name, text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + strings.Replace(l, "egovctl", name, 1)
		}
	}
	return strings.Join(lines, "\n")
}
