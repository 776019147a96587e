package controllers

import (
	"testing"

	"k8s.io/apimachinery/pkg/types"
)

// What was derived from a Secret serves only the version it was read at.
func TestWhatWasReadServesOnlyItsVersion(t *testing.T) {
	memo := newByVersion[string]()
	key := types.NamespacedName{Namespace: "egov-hanoi", Name: "db"}
	if _, ok := memo.get(key, "1"); ok {
		t.Fatal("nothing was read yet")
	}
	memo.put(key, "1", "digest-1")
	if got, ok := memo.get(key, "1"); !ok || got != "digest-1" {
		t.Errorf("version 1: %q, %t", got, ok)
	}
	if _, ok := memo.get(key, "2"); ok {
		t.Error("version 2 was served what was read at version 1")
	}
	if _, ok := memo.get(types.NamespacedName{Namespace: "egov-haiphong", Name: "db"}, "1"); ok {
		t.Error("another namespace's Secret was served")
	}
}

// A Secret the cache does not hold yet has no version: what is read from it
// is never remembered, so the next reconcile reads it again.
func TestAnUnknownVersionIsNeverRemembered(t *testing.T) {
	memo := newByVersion[string]()
	key := types.NamespacedName{Namespace: "egov-hanoi", Name: "leaf"}
	for _, version := range []string{versionOf("", "7"), versionOf("7", "")} {
		memo.put(key, version, "good")
		if _, ok := memo.get(key, version); ok {
			t.Errorf("version %q was remembered", version)
		}
	}
	if got := versionOf("7", "9"); got != "7/9" {
		t.Errorf("versionOf(7, 9) = %q", got)
	}
}
