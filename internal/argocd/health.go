// Package argocd holds what Argo CD needs to read the health of the
// operator's kinds: the kinds a health check is registered for, the argocd-cm
// data that registers it, and a runner that executes a health check the way
// Argo CD does, for tests.
package argocd

import (
	"encoding/json"
	"fmt"
	"slices"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Health is what an Argo CD health check returns.
type Health struct {
	// Status is Healthy, Progressing, Degraded, Suspended, Missing or Unknown.
	Status string
	// Message says why.
	Message string
}

// statuses are the health statuses Argo CD accepts from a health check.
var statuses = []string{"Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"}

// Kinds returns, sorted, the kinds of the operator's API group that have a
// status: those a health check reads. A kind without one (ProvinceAssignment,
// a record) is Healthy to Argo CD once it exists.
func Kinds() []string {
	s := runtime.NewScheme()
	if err := platformv1alpha1.AddToScheme(s); err != nil {
		panic(err)
	}
	var kinds []string
	for kind, t := range s.KnownTypes(platformv1alpha1.GroupVersion) {
		if _, hasMeta := t.FieldByName("ObjectMeta"); !hasMeta {
			continue
		}
		if _, hasStatus := t.FieldByName("Status"); hasStatus {
			kinds = append(kinds, kind)
		}
	}
	slices.Sort(kinds)
	return kinds
}

// ConfigMapKey is the argocd-cm key that registers a health check for kind.
func ConfigMapKey(kind string) string {
	return "resource.customizations.health." + platformv1alpha1.GroupVersion.Group + "_" + kind
}

// ConfigMap returns argocd-cm with only the data that registers script as
// the health check of every kind: a patch to merge into Argo CD's own.
func ConfigMap(script string) ([]byte, error) {
	data := map[string]string{}
	for _, kind := range Kinds() {
		data[ConfigMapKey(kind)] = script
	}
	cm := map[string]any{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata": map[string]any{
			"name":      "argocd-cm",
			"namespace": "argocd",
			"labels":    map[string]string{"app.kubernetes.io/name": "argocd-cm", "app.kubernetes.io/part-of": "argocd"},
		},
		"data": data,
	}
	return yaml.Marshal(cm)
}

// Assess runs a health check on an object as Argo CD does: the object, as
// its JSON decodes, is the global table obj, and the script returns a table
// with status and message.
func Assess(script string, obj any) (Health, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return Health{}, err
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		return Health{}, err
	}
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString}, {lua.MathLibName, lua.OpenMath}} {
		l.Push(l.NewFunction(lib.open))
		l.Push(lua.LString(lib.name))
		l.Call(1, 0)
	}
	l.SetGlobal("obj", toLua(l, decoded))
	if err := l.DoString(script); err != nil {
		return Health{}, err
	}
	table, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return Health{}, fmt.Errorf("the health check returned %s, not a table", l.Get(-1).Type())
	}
	h := Health{Status: lua.LVAsString(table.RawGetString("status")), Message: lua.LVAsString(table.RawGetString("message"))}
	if !slices.Contains(statuses, h.Status) {
		return Health{}, fmt.Errorf("the health check returned the status %q, which Argo CD does not know", h.Status)
	}
	return h, nil
}

// toLua converts a decoded JSON value to Lua: objects and arrays become
// tables.
func toLua(l *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case map[string]any:
		t := l.NewTable()
		for k, e := range v {
			t.RawSetString(k, toLua(l, e))
		}
		return t
	case []any:
		t := l.NewTable()
		for _, e := range v {
			t.Append(toLua(l, e))
		}
		return t
	}
	return lua.LNil
}
