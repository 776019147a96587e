package controllers

import "testing"

func TestContainsComparesOnlyWhatTheOperatorSets(t *testing.T) {
	live := map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"a": "1", "theirs": "x"}},
		"spec": map[string]any{
			"replicas": int64(2),
			"ports":    []any{map[string]any{"port": int64(80), "protocol": "TCP"}, map[string]any{"port": int64(8081)}},
			"args":     []any{"--a", "--b"},
		},
	}
	cases := []struct {
		name string
		want any
		ok   bool
	}{
		{"subset of maps", map[string]any{"metadata": map[string]any{"labels": map[string]any{"a": "1"}}}, true},
		{"changed value", map[string]any{"spec": map[string]any{"replicas": int64(3)}}, false},
		{"missing key", map[string]any{"spec": map[string]any{"paused": true}}, false},
		{"element found in a longer list", map[string]any{"spec": map[string]any{"ports": []any{map[string]any{"port": int64(80)}}}}, true},
		{"element missing from a list", map[string]any{"spec": map[string]any{"ports": []any{map[string]any{"port": int64(443)}}}}, false},
		{"scalar list in order", map[string]any{"spec": map[string]any{"args": []any{"--a", "--b"}}}, true},
		{"scalar list reordered", map[string]any{"spec": map[string]any{"args": []any{"--b", "--a"}}}, false},
		{"type mismatch", map[string]any{"spec": "x"}, false},
	}
	for _, c := range cases {
		if got := contains(live, c.want); got != c.ok {
			t.Errorf("%s: got %v, want %v", c.name, got, c.ok)
		}
	}
}
