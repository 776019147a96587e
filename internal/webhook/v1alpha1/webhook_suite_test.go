package v1alpha1

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/controllers"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

const waitFor = 30 * time.Second

var (
	// cfg reaches the API server as its administrator.
	cfg *rest.Config
	// k8s is the tests' client: central ops and the provincial IT centres.
	k8s client.Client
	// webhooks is the running webhook server; tests may stop and restart it.
	webhooks *webhookServer
)

// TestMain starts the API server with the webhook configuration of
// config/webhook (envtest points it at a local server with its own CA), and
// the webhooks in a manager configured as cmd/manager configures them.
func TestMain(m *testing.M) {
	ctrl.SetLogger(zap.New(zap.Level(zapcore.ErrorLevel)))
	env, config, err := testenv.Start(func(env *envtest.Environment) {
		env.WebhookInstallOptions = envtest.WebhookInstallOptions{Paths: []string{filepath.Join(testenv.RepoRoot(), "config", "webhook")}}
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg = config
	code := 1
	if k8s, err = client.New(cfg, client.Options{Scheme: testenv.Scheme()}); err == nil {
		webhooks, err = startWebhooks(&env.WebhookInstallOptions)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
		webhooks.stop()
	}
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// webhookServer is a manager serving the webhooks alone.
type webhookServer struct {
	options *envtest.WebhookInstallOptions
	// cache is what the webhooks read from.
	cache client.Reader
	stop  func()
}

// startWebhooks starts the webhooks and returns once they accept connections.
func startWebhooks(options *envtest.WebhookInstallOptions) (*webhookServer, error) {
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 testenv.Scheme(),
		Cache:                  controllers.CacheOptions(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		WebhookServer: webhook.NewServer(webhook.Options{
			Host: options.LocalServingHost, Port: options.LocalServingPort, CertDir: options.LocalServingCertDir,
		}),
	})
	if err != nil {
		return nil, err
	}
	if err := SetupWebhooksWithManager(mgr); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "webhook manager:", err)
		}
	}()
	s := &webhookServer{options: options, cache: mgr.GetCache(), stop: func() { cancel(); <-done }}
	address := net.JoinHostPort(options.LocalServingHost, strconv.Itoa(options.LocalServingPort))
	for deadline := time.Now().Add(waitFor); ; time.Sleep(100 * time.Millisecond) {
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: time.Second}, "tcp", address, &tls.Config{InsecureSkipVerify: true})
		if err == nil {
			return s, conn.Close()
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("webhook server at %s: %w", address, err)
		}
	}
}

// warnings records the admission warnings the API server returns.
type warnings struct {
	mu   sync.Mutex
	text []string
}

func (w *warnings) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.text = append(w.text, text)
}

func (w *warnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.text...)
}

// warningClient returns a client that records the warnings it receives.
func warningClient(t *testing.T) (client.Client, *warnings) {
	t.Helper()
	w := &warnings{}
	withWarnings := rest.CopyConfig(cfg)
	withWarnings.WarningHandlerWithContext = w
	c, err := client.New(withWarnings, client.Options{Scheme: testenv.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	return c, w
}

// namespace creates a namespace, assigned to a province when code is set.
func namespace(t *testing.T, code string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "egov-"}}
	if code != "" {
		ns.Labels = map[string]string{platformv1alpha1.ProvinceLabel: code}
	}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

// portal returns a valid ProvincePortal for a province, not yet created.
func portal(ns, code string) *platformv1alpha1.ProvincePortal {
	unit, _ := provinces.Lookup(code)
	return &platformv1alpha1.ProvincePortal{
		ObjectMeta: metav1.ObjectMeta{Name: unit.Slug, Namespace: ns},
		Spec: platformv1alpha1.ProvincePortalSpec{
			Province: platformv1alpha1.ProvinceRef{Code: platformv1alpha1.ProvinceCode(code)},
			OrganID:  "000.00.00.H26",
			Domain:   platformv1alpha1.DNSName(fleet.Domain(unit)),
		},
	}
}

// createSeen creates obj and waits until the webhooks' cache holds it.
func createSeen(t *testing.T, obj client.Object) {
	t.Helper()
	ctx := context.Background()
	if err := k8s.Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, waitFor, "the webhooks' cache holds "+obj.GetName(), func() error {
		return webhooks.cache.Get(ctx, client.ObjectKeyFromObject(obj), obj.DeepCopyObject().(client.Object))
	})
}
