package controllers

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"testing"

	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/egov-vn/egov-operator/internal/testenv"
)

var (
	// k8s is the tests' own client: it plays central ops, the provincial IT
	// centre, and the controllers envtest lacks (kubelet, cert-manager).
	k8s client.Client
	// apiServer reads the API server's own metrics.
	apiServer kubernetes.Interface
	// operatorCache is what the operator's controllers read from.
	operatorCache client.Reader
	// operatorWrites counts every write request the operator's client makes.
	operatorWrites atomic.Int64
	// metricsURL is where the operator's manager serves its metrics, over plain HTTP.
	metricsURL string
	// operatorClock is the operator's clock: the real one, moved ahead by
	// the tests that skip a deadline.
	operatorClock = &aheadClock{}
)

// countWrites wraps the operator's client so tests can assert an idle
// operator makes no write requests.
func countWrites(c client.WithWatch) client.WithWatch {
	count := func() { operatorWrites.Add(1) }
	return interceptor.NewClient(c, interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			count()
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			count()
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			count()
			return c.Patch(ctx, obj, patch, opts...)
		},
		Apply: func(ctx context.Context, c client.WithWatch, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
			count()
			return c.Apply(ctx, obj, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			count()
			return c.Delete(ctx, obj, opts...)
		},
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
			count()
			return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			count()
			return c.SubResource(sub).Update(ctx, obj, opts...)
		},
	})
}

func TestMain(m *testing.M) {
	// Errors only: a reconcile error is worth reading, routine progress is not.
	ctrl.SetLogger(zap.New(zap.Level(zapcore.ErrorLevel)))
	env, cfg, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := run(m, cfg)
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

func run(m *testing.M, cfg *rest.Config) int {
	metricsAddr, err := freeLocalAddress()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	metricsURL = "http://" + metricsAddr + "/metrics"
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 testenv.Scheme(),
		Cache:                  CacheOptions(),
		Metrics:                metricsserver.Options{BindAddress: metricsAddr},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{MaxConcurrentReconciles: DefaultMaxConcurrentReconciles},
		NewClient: func(config *rest.Config, options client.Options) (client.Client, error) {
			c, err := client.NewWithWatch(config, options)
			if err != nil {
				return nil, err
			}
			return countWrites(c), nil
		},
	})
	if err == nil {
		operatorCache = mgr.GetCache()
		err = setup(mgr, operatorClock)
	}
	if err == nil {
		k8s, err = client.New(cfg, client.Options{Scheme: testenv.Scheme()})
	}
	if err == nil {
		apiServer, err = kubernetes.NewForConfig(cfg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager:", err)
		}
	}()
	return m.Run()
}

// freeLocalAddress returns a loopback address with a port free for the
// metrics server: the server does not tell which port it bound.
func freeLocalAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
