package controllers

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/source"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
)

// secretsSyncTimeout bounds the first sync of a namespace's Secret cache.
const secretsSyncTimeout = 30 * time.Second

// provinceSecrets watches the metadata of Secrets namespace by namespace:
// the operator may read Secrets only where central ops bound its province
// ClusterRole (config/rbac/province_role.yaml) to it, never cluster-wide, so no Secret outside a province namespace (the
// national root's key included) is within its reach. Each namespace served
// gets a metadata-only cache of its own, started the first time a
// reconcile needs it; every controller registered receives its events.
type provinceSecrets struct {
	config *rest.Config
	opts   cache.Options
	// probe reads uncached, to find out whether Secrets may be read at all.
	probe client.Reader

	mu sync.Mutex
	// ctx is the manager's: the namespaces' caches stop with it.
	ctx      context.Context
	caches   map[string]*namespaceSecrets
	watchers []secretWatcher
}

// namespaceSecrets is one namespace's cache, started once: the reconciles
// that need it meanwhile wait for ready, while other namespaces' go on.
type namespaceSecrets struct {
	ready chan struct{}
	cache cache.Cache
	err   error
}

// Start records the manager's context for the caches started later, and
// waits for the manager to stop.
func (s *provinceSecrets) Start(ctx context.Context) error {
	s.mu.Lock()
	s.ctx = ctx
	s.mu.Unlock()
	<-ctx.Done()
	return nil
}

type secretWatcher struct {
	controller controller.Controller
	handler    handler.EventHandler
}

func newProvinceSecrets(config *rest.Config, opts cache.Options, probe client.Reader) *provinceSecrets {
	opts.DefaultTransform = cache.TransformStripManagedFields()
	return &provinceSecrets{config: config, opts: opts, probe: probe, caches: map[string]*namespaceSecrets{}}
}

// register sends the Secret events of every namespace served to h, on c.
func (s *provinceSecrets) register(c controller.Controller, h handler.EventHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.watchers = append(s.watchers, secretWatcher{controller: c, handler: h})
}

// in returns a reader of the Secrets' metadata in namespace, starting the
// namespace's cache and watches the first time. A namespace where the
// operator may not read Secrets is a user error for central ops. A start
// that fails is tried again by the next reconcile that needs it.
func (s *provinceSecrets) in(ctx context.Context, namespace string) (client.Reader, error) {
	s.mu.Lock()
	entry, started := s.caches[namespace]
	if !started {
		if s.ctx == nil {
			s.mu.Unlock()
			return nil, fmt.Errorf("the Secret watches are not started yet")
		}
		entry = &namespaceSecrets{ready: make(chan struct{})}
		s.caches[namespace] = entry
		managerCtx, watchers := s.ctx, slices.Clone(s.watchers)
		s.mu.Unlock()
		entry.cache, entry.err = s.start(ctx, managerCtx, namespace, watchers)
		if entry.err != nil {
			s.mu.Lock()
			delete(s.caches, namespace)
			s.mu.Unlock()
		}
		close(entry.ready)
	} else {
		s.mu.Unlock()
	}
	select {
	case <-entry.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if entry.err != nil {
		return nil, entry.err
	}
	return entry.cache, nil
}

// start starts the Secret cache of namespace, living as long as the
// manager, and sends its events to the watchers.
func (s *provinceSecrets) start(ctx, managerCtx context.Context, namespace string, watchers []secretWatcher) (cache.Cache, error) {
	probe := &metav1.PartialObjectMetadataList{}
	probe.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("SecretList"))
	if err := s.probe.List(ctx, probe, client.InNamespace(namespace), client.Limit(1)); apierrors.IsForbidden(err) {
		return nil, conditions.Stalled(platformv1alpha1.ReasonSecretsNotPermitted,
			"the operator may not read Secrets in namespace %s: central ops must bind the operator's province ClusterRole (config/rbac/province_role.yaml) to its ServiceAccount there", namespace)
	} else if err != nil {
		return nil, fmt.Errorf("list Secrets in %s: %w", namespace, err)
	}
	opts := s.opts
	opts.DefaultNamespaces = map[string]cache.Config{namespace: {}}
	c, err := cache.New(s.config, opts)
	if err != nil {
		return nil, err
	}
	// The cache lives as long as the manager, unless its start fails.
	cacheCtx, stop := context.WithCancel(managerCtx)
	failed := make(chan struct{})
	go func() {
		defer stop()
		select {
		case <-failed:
		case <-cacheCtx.Done():
		}
	}()
	go func() { _ = c.Start(cacheCtx) }()
	syncCtx, cancel := context.WithTimeout(ctx, secretsSyncTimeout)
	defer cancel()
	if _, err := c.GetInformer(syncCtx, secretMetadata()); err != nil || !c.WaitForCacheSync(syncCtx) {
		close(failed)
		return nil, fmt.Errorf("the Secret cache of namespace %s did not sync: %v", namespace, err)
	}
	for _, w := range watchers {
		if err := w.controller.Watch(source.Kind[client.Object](c, secretMetadata(), w.handler)); err != nil {
			close(failed)
			return nil, fmt.Errorf("watch the Secrets of namespace %s: %w", namespace, err)
		}
	}
	return c, nil
}

// secretMetadata is an empty Secret metadata object, for caches and watches.
func secretMetadata() *metav1.PartialObjectMetadata {
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
	return m
}
