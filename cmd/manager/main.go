// Command manager runs egov-operator's controllers.
package main

import (
	"crypto/tls"
	"flag"
	"net"
	"os"
	"strconv"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/egov-vn/egov-operator/controllers"
	"github.com/egov-vn/egov-operator/internal/scheme"
	webhookv1alpha1 "github.com/egov-vn/egov-operator/internal/webhook/v1alpha1"
)

func main() {
	var (
		metricsAddr          string
		probeAddr            string
		enableLeaderElection bool
		leaderElectionNS     string
		secureMetrics        bool
		enableHTTP2          bool
		webhookAddr          string
		webhookCertPath      string
		webhookCertName      string
		webhookCertKey       string
		concurrency          int
		pprofAddr            string
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", "0", "Address the metrics endpoint binds to, "+
		"e.g. :8443 for HTTPS or :8080 for HTTP; 0 disables it.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "Address the health and readiness probes bind to.")
	flag.BoolVar(&enableLeaderElection, "leader-elect", false, "Elect a leader so only one replica reconciles at a time.")
	flag.StringVar(&leaderElectionNS, "leader-election-namespace", "", "Namespace of the leader-election Lease; "+
		"empty is the pod's own namespace, which a manager run outside the cluster does not have.")
	flag.BoolVar(&secureMetrics, "metrics-secure", true, "Serve metrics over HTTPS, authenticated and authorized by the API server.")
	flag.BoolVar(&enableHTTP2, "enable-http2", false, "Allow HTTP/2 for the metrics and webhook servers (off by default: HTTP/2 rapid-reset CVEs).")
	flag.StringVar(&webhookAddr, "webhook-bind-address", ":9443", "Address the webhook server binds to.")
	flag.StringVar(&webhookCertPath, "webhook-cert-path", "", "Directory of the webhook server's certificate (issued by cert-manager); "+
		"empty uses controller-runtime's default directory.")
	flag.StringVar(&webhookCertName, "webhook-cert-name", "tls.crt", "File name of the webhook server's certificate.")
	flag.StringVar(&webhookCertKey, "webhook-cert-key", "tls.key", "File name of the webhook server's private key.")
	flag.IntVar(&concurrency, "max-concurrent-reconciles", controllers.DefaultMaxConcurrentReconciles, "How many objects of each kind are reconciled at once.")
	flag.StringVar(&pprofAddr, "pprof-bind-address", "", "Address Go's pprof profiles are served on, e.g. 127.0.0.1:6060; empty disables them.")
	opts := zap.Options{Development: false}
	opts.BindFlags(flag.CommandLine)
	flag.Parse()

	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts)))
	log := ctrl.Log.WithName("setup")

	var tlsOpts []func(*tls.Config)
	if !enableHTTP2 {
		tlsOpts = append(tlsOpts, func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} })
	}
	metricsOpts := metricsserver.Options{
		BindAddress:   metricsAddr,
		SecureServing: secureMetrics,
		TLSOpts:       tlsOpts,
	}
	if secureMetrics {
		metricsOpts.FilterProvider = filters.WithAuthenticationAndAuthorization
	}

	webhookHost, webhookPort, err := net.SplitHostPort(webhookAddr)
	if err != nil {
		log.Error(err, "invalid --webhook-bind-address")
		os.Exit(1)
	}
	webhookOpts := webhook.Options{Host: webhookHost, TLSOpts: tlsOpts}
	if webhookOpts.Port, err = strconv.Atoi(webhookPort); err != nil {
		log.Error(err, "invalid --webhook-bind-address")
		os.Exit(1)
	}
	if webhookCertPath != "" {
		// The server reloads the files when cert-manager renews them.
		webhookOpts.CertDir, webhookOpts.CertName, webhookOpts.KeyName = webhookCertPath, webhookCertName, webhookCertKey
	}

	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), ctrl.Options{
		Scheme:                  scheme.New(),
		Cache:                   controllers.CacheOptions(),
		Metrics:                 metricsOpts,
		WebhookServer:           webhook.NewServer(webhookOpts),
		HealthProbeBindAddress:  probeAddr,
		PprofBindAddress:        pprofAddr,
		LeaderElection:          enableLeaderElection,
		LeaderElectionID:        "egov-operator.platform.egov.vn",
		LeaderElectionNamespace: leaderElectionNS,
		Controller:              config.Controller{MaxConcurrentReconciles: concurrency},
	})
	if err != nil {
		log.Error(err, "unable to create manager")
		os.Exit(1)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		log.Error(err, "unable to set up health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		log.Error(err, "unable to set up ready check")
		os.Exit(1)
	}

	if err := controllers.Setup(mgr); err != nil {
		log.Error(err, "unable to set up controllers")
		os.Exit(1)
	}
	// A manager run without the webhook configuration or its certificate
	// (make run, the local demo cluster) turns the webhook server off.
	if os.Getenv("ENABLE_WEBHOOKS") != "false" {
		if err := webhookv1alpha1.SetupWebhooksWithManager(mgr); err != nil {
			log.Error(err, "unable to set up webhooks")
			os.Exit(1)
		}
	}

	log.Info("starting manager")
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		log.Error(err, "manager exited")
		os.Exit(1)
	}
}
