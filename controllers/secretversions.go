package controllers

import (
	"context"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
)

// secretVersion returns the resourceVersion of a Secret in its namespace's
// metadata cache, "" when the cache holds none.
func (d deps) secretVersion(ctx context.Context, key types.NamespacedName) (string, error) {
	secrets, err := d.Secrets.in(ctx, key.Namespace)
	if err != nil {
		return "", err
	}
	meta := secretMetadata()
	if err := secrets.Get(ctx, key, meta); apierrors.IsNotFound(err) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	return meta.ResourceVersion, nil
}

// byVersion remembers, per Secret, what the operator derived from its data
// (and its SubCA's) at the versions the metadata cache showed, so the data
// is read again only when a version changes. The version the cache shows
// may be older than the data then read; the next version it shows is read
// again. A Secret the cache does not hold yet has no version (""): it is
// read every time, never remembered. Entries are a few bytes per Secret and
// are not pruned.
type byVersion[T any] struct {
	mu      sync.Mutex
	entries map[types.NamespacedName]versioned[T]
}

type versioned[T any] struct {
	version string
	value   T
}

// versionOf joins the versions a value derives from, "" when one is unknown.
func versionOf(versions ...string) string {
	for _, v := range versions {
		if v == "" {
			return ""
		}
	}
	return strings.Join(versions, "/")
}

func newByVersion[T any]() *byVersion[T] {
	return &byVersion[T]{entries: map[types.NamespacedName]versioned[T]{}}
}

// get returns what was derived from key at version, if anything was.
func (b *byVersion[T]) get(key types.NamespacedName, version string) (T, bool) {
	var zero T
	if b == nil || version == "" {
		return zero, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.entries[key]
	if !ok || e.version != version {
		return zero, false
	}
	return e.value, true
}

func (b *byVersion[T]) put(key types.NamespacedName, version string, value T) {
	if b == nil || version == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.entries[key] = versioned[T]{version: version, value: value}
}
