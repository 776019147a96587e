// Command contract writes, into docs/vendors.md between its markers, how the
// operator runs each component: for every workload of the rendered sample
// stacks (the golden renders internal/render's tests check), its image role,
// arguments, ports, probes, user, environment (variables and the keys of the
// ConfigMaps it reads), mounts and writable paths. Vendors build against this.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/egov-vn/egov-operator/hack/internal/docsection"
)

const (
	begin = "<!-- BEGIN generated contract: hack/contract -->"
	end   = "<!-- END generated contract -->"
)

// stacks are the golden renders described, one per kind that runs a component.
var stacks = []string{"portal-level3", "onestopshop-motcua-path", "docexchangenode", "integrationplatform-level3-audit"}

func main() {
	goldens := flag.String("goldens", "internal/render/testdata", "directory of the golden renders")
	doc := flag.String("doc", "docs/vendors.md", "guide to write the contract into")
	flag.Parse()
	current, err := os.ReadFile(*doc)
	if err != nil {
		log.Fatal(err)
	}
	contract, err := Contract(*goldens)
	if err != nil {
		log.Fatal(err)
	}
	updated, err := Splice(current, contract)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*doc, updated, 0o644); err != nil {
		log.Fatal(err)
	}
}

// workload is a rendered pod template and the ConfigMaps beside it.
type workload struct {
	kind, name string
	pod        corev1.PodTemplateSpec
}

// Contract describes every workload of the golden stacks in dir.
func Contract(dir string) ([]byte, error) {
	// The followers read the portal's ConfigMaps too: gather every stack's first.
	var workloads []workload
	configMaps := map[string][]string{}
	for _, stack := range stacks {
		data, err := os.ReadFile(filepath.Join(dir, stack+".golden.yaml"))
		if err != nil {
			return nil, err
		}
		w, cms, err := decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", stack, err)
		}
		workloads = append(workloads, w...)
		maps.Copy(configMaps, cms)
	}
	var b bytes.Buffer
	for _, w := range workloads {
		describe(&b, w, configMaps)
	}
	return b.Bytes(), nil
}

func decode(data []byte) ([]workload, map[string][]string, error) {
	var workloads []workload
	configMaps := map[string][]string{}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			return nil, nil, err
		}
		switch meta.Kind {
		case "Deployment":
			var d appsv1.Deployment
			if err := yaml.Unmarshal([]byte(doc), &d); err != nil {
				return nil, nil, err
			}
			workloads = append(workloads, workload{"Deployment", d.Name, d.Spec.Template})
		case "StatefulSet":
			var s appsv1.StatefulSet
			if err := yaml.Unmarshal([]byte(doc), &s); err != nil {
				return nil, nil, err
			}
			workloads = append(workloads, workload{"StatefulSet", s.Name, s.Spec.Template})
		case "ConfigMap":
			var cm corev1.ConfigMap
			if err := yaml.Unmarshal([]byte(doc), &cm); err != nil {
				return nil, nil, err
			}
			for key := range cm.Data {
				configMaps[cm.Name] = append(configMaps[cm.Name], key)
			}
			sort.Strings(configMaps[cm.Name])
		}
	}
	return workloads, configMaps, nil
}

func describe(b *bytes.Buffer, w workload, configMaps map[string][]string) {
	pod := w.pod.Spec
	c := pod.Containers[0]
	fmt.Fprintf(b, "### %s `%s` (`app.kubernetes.io/name: %s`)\n\n", w.kind, w.name, w.pod.Labels["app.kubernetes.io/name"])
	if len(c.Args) > 0 {
		fmt.Fprintf(b, "- arguments: `%s`\n", strings.Join(c.Args, " "))
	}
	for _, p := range c.Ports {
		fmt.Fprintf(b, "- port `%s`: %d/%s\n", p.Name, p.ContainerPort, p.Protocol)
	}
	for _, probe := range []struct {
		name  string
		probe *corev1.Probe
	}{{"liveness", c.LivenessProbe}, {"readiness", c.ReadinessProbe}} {
		if probe.probe != nil && probe.probe.HTTPGet != nil {
			fmt.Fprintf(b, "- %s probe: HTTP GET `%s` on port `%s`\n", probe.name, probe.probe.HTTPGet.Path, probe.probe.HTTPGet.Port.String())
		}
	}
	if sc := c.SecurityContext; sc != nil {
		user := "any non-root user the image names (runAsNonRoot)"
		if pod.SecurityContext != nil && pod.SecurityContext.RunAsUser != nil {
			user = fmt.Sprintf("UID %d", *pod.SecurityContext.RunAsUser)
		}
		fmt.Fprintf(b, "- runs as %s, read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault\n", user)
	}
	var env []string
	for _, e := range c.Env {
		env = append(env, "`"+e.Name+"`")
	}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef != nil {
			for _, key := range configMaps[from.ConfigMapRef.Name] {
				env = append(env, "`"+key+"`")
			}
		}
	}
	sort.Strings(env)
	if len(env) > 0 {
		fmt.Fprintf(b, "- environment: %s\n", strings.Join(env, ", "))
	}
	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
	}
	for _, m := range c.VolumeMounts {
		fmt.Fprintf(b, "- `%s`: %s\n", m.MountPath, source(volumes[m.Name], configMaps, m.ReadOnly))
	}
	b.WriteString("\n")
}

func source(v corev1.Volume, configMaps map[string][]string, readOnly bool) string {
	mode := "read-only"
	if !readOnly {
		mode = "writable"
	}
	switch {
	case v.Secret != nil:
		return mode + " Secret volume"
	case v.ConfigMap != nil:
		return fmt.Sprintf("%s files %s", mode, strings.Join(quoted(configMaps[v.ConfigMap.Name]), ", "))
	case v.EmptyDir != nil:
		return mode + " scratch space (emptyDir)"
	case v.PersistentVolumeClaim != nil || v.Name != "":
		return mode + " persistent volume (kept when the node is deleted)"
	}
	return mode
}

func quoted(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "`" + s + "`"
	}
	return out
}

// Splice replaces what is between the markers of doc with the contract.
func Splice(doc, contract []byte) ([]byte, error) {
	return docsection.Replace(doc, begin, end, contract)
}
