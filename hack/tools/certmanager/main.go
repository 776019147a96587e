// Command cert-manager-controllers runs cert-manager's own controllers, built
// from the cert-manager module the operator depends on, against the cluster of
// a kubeconfig. It lets a local control plane with no container runtime issue
// real certificates from SelfSigned and CA issuers and CA ClusterIssuers.
//
// It is not the cert-manager controller binary: that lives in a module the
// proxy does not publish. It runs no webhook (nothing validates or defaults
// cert-manager resources), no leader election and no metrics or health
// server, and leaves out ACME, Vault, Venafi, the ingress and Gateway shims
// and the CertificateSigningRequest controllers.
//
//	cert-manager-controllers --kubeconfig=PATH [--cluster-resource-namespace=cert-manager] [--v=2]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"k8s.io/klog/v2"

	"github.com/cert-manager/cert-manager/pkg/controller"
	crapprover "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	crca "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	crselfsigned "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	certmetrics "github.com/cert-manager/cert-manager/pkg/controller/certificates/metrics"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	"github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	"github.com/cert-manager/cert-manager/pkg/controller/issuers"
	utilfeature "github.com/cert-manager/cert-manager/pkg/util/feature"

	// The issuers and clusterissuers controllers only set up issuer types
	// registered by these packages' init functions.
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

// controllers names the control loops to run. The approver is essential:
// signers wait for a CertificateRequest's Approved condition and nothing else
// sets it here. The metrics controller feeds gauges that no server exposes; it
// is kept so that every Certificate controller cert-manager runs is run here.
var controllers = []string{
	trigger.ControllerName, keymanager.ControllerName, requestmanager.ControllerName,
	issuing.ControllerName, readiness.ControllerName, revisionmanager.ControllerName,
	certmetrics.ControllerName,
	crapprover.ControllerName, crca.CRControllerName, crselfsigned.CRControllerName,
	issuers.ControllerName, clusterissuers.ControllerName,
}

// workers per controller, as in cert-manager's default configuration.
const workers = 5

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster to issue certificates in (required)")
	clusterNS := flag.String("cluster-resource-namespace", "cert-manager",
		"namespace of the Secrets that ClusterIssuers refer to, such as a CA ClusterIssuer's key pair")
	var verbosity klog.Level // Set changes klog's global verbosity.
	flag.Var(&verbosity, "v", "log `level`: 0 errors only, 2 controller progress, 4 debug")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: cert-manager-controllers --kubeconfig=PATH [flags]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *kubeconfig == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	defer klog.Flush()
	// With the NameConstraints gate off, cert-manager leaves a Certificate's
	// name constraints out of its request without a word, and every
	// provincial SubCA would be issued unconstrained. It is on by default
	// since cert-manager 1.17; set it so that no change of default, and no
	// older version, can take it away (an unknown gate fails here).
	if err := utilfeature.DefaultMutableFeatureGate.Set("NameConstraints=true"); err != nil {
		klog.ErrorS(err, "cannot turn on cert-manager's NameConstraints feature gate")
		klog.Flush()
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	opts := controller.ContextOptions{
		Kubeconfig: *kubeconfig,
		// Used only when the API server has no API Priority and Fairness.
		KubernetesAPIQPS:   20,
		KubernetesAPIBurst: 50,
		IssuerOptions:      controller.IssuerOptions{ClusterResourceNamespace: *clusterNS},
		// cert-manager's defaults: zero would disable the back-off and retry
		// a failing issuance in a tight loop.
		CertificateOptions: controller.CertificateOptions{
			CertificateRequestMinimumBackoffDuration: time.Hour,
			CertificateRequestMaximumBackoffDuration: 32 * time.Hour,
		},
	}
	if err := run(ctx, opts); err != nil {
		klog.ErrorS(err, "cert-manager controllers failed")
		klog.Flush()
		os.Exit(1)
	}
}

// run runs the controllers until ctx is done or one of them fails.
func run(ctx context.Context, opts controller.ContextOptions) error {
	factory, err := controller.NewContextFactory(ctx, opts)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for _, name := range controllers {
		// Constructing a controller requests the informers it needs from the
		// shared factories, so all are built before the factories start.
		c, err := controller.Known()[name](factory)
		if err != nil {
			cancel(nil)
			wg.Wait()
			return fmt.Errorf("building controller %s: %w", name, err)
		}
		wg.Go(func() {
			if err := c.Run(workers, ctx); err != nil {
				cancel(fmt.Errorf("controller %s: %w", name, err))
			}
		})
	}
	// Every Context a factory builds shares the factory's informers.
	shared, err := factory.Build()
	if err != nil {
		cancel(nil)
		wg.Wait()
		return err
	}
	shared.KubeSharedInformerFactory.Start(ctx.Done())
	shared.SharedInformerFactory.Start(ctx.Done())
	klog.V(2).InfoS("cert-manager controllers started", "controllers", controllers)

	wg.Wait()
	shared.SharedInformerFactory.Shutdown()
	shared.KubeSharedInformerFactory.Shutdown()
	if err := context.Cause(ctx); !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
