#!/usr/bin/env bash
# Builds the tools the project needs from the Go module proxy, at the versions
# of hack/versions.env, into bin/. Idempotent: a tool already built at its
# pinned version is left alone, so a second run does nothing.
#
#   hack/bootstrap.sh controller-gen   code and manifest generator
#   hack/bootstrap.sh staticcheck      linter
#   hack/bootstrap.sh kubebuilder      the kubebuilder CLI (keeps PROJECT, scaffolds webhooks, chart, dashboards)
#   hack/bootstrap.sh kustomize        kustomize (builds dist/install.yaml from config/default)
#   hack/bootstrap.sh helm             helm (lints and renders the chart in charts/chart)
#   hack/bootstrap.sh envtest          etcd and kube-apiserver for integration tests
#   hack/bootstrap.sh kubectl          kubectl
#   hack/bootstrap.sh cluster          the local cluster: envtest, kubectl, controller-manager,
#                                      scheduler, kwok and cert-manager's controllers
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=versions.env
source "$root/hack/versions.env"
bin="$root/bin"
k8s="$bin/k8s"
build="$bin/build"
mkdir -p "$k8s" "$build"

say() { echo "bootstrap: $*" >&2; }

# quiet runs a command, showing its output only when it fails.
quiet() {
	local log
	log=$(mktemp)
	if ! "$@" >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		return 1
	fi
	rm -f "$log"
}

# built NAME PATH VERSION: true when PATH holds NAME built at VERSION.
built() { [ -x "$2" ] && [ "$(cat "$2.version" 2>/dev/null)" = "$3" ] && say "$1 $3 is cached"; }
stamp() { echo "$2" >"$1.version"; }

controller_gen() {
	local out="$bin/controller-gen"
	built controller-gen "$out" "$CONTROLLER_GEN_VERSION" && return
	say "building controller-gen $CONTROLLER_GEN_VERSION"
	GOBIN="$bin" go install "sigs.k8s.io/controller-tools/cmd/controller-gen@$CONTROLLER_GEN_VERSION"
	stamp "$out" "$CONTROLLER_GEN_VERSION"
}

staticcheck() {
	local out="$bin/staticcheck"
	built staticcheck "$out" "$STATICCHECK_VERSION" && return
	say "building staticcheck $STATICCHECK_VERSION"
	GOBIN="$bin" quiet go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
	stamp "$out" "$STATICCHECK_VERSION"
}

# kubebuilder installs the CLI as a Go tool of its own module (no version
# list is served by the proxy, so the version is always named).
kubebuilder() {
	local out="$bin/kubebuilder"
	built kubebuilder "$out" "$KUBEBUILDER_VERSION" && return
	say "building kubebuilder $KUBEBUILDER_VERSION"
	local mod="$build/kubebuilder"
	rm -rf "$mod" && mkdir -p "$mod"
	cp "$root/hack/tools/kubebuilder/go.mod" "$mod/"
	(cd "$mod" && quiet go get -tool "sigs.k8s.io/kubebuilder/v4@$KUBEBUILDER_VERSION" &&
		GOBIN="$bin" go install sigs.k8s.io/kubebuilder/v4)
	stamp "$out" "$KUBEBUILDER_VERSION"
}

kustomize() {
	local out="$bin/kustomize"
	built kustomize "$out" "$KUSTOMIZE_VERSION" && return
	say "building kustomize $KUSTOMIZE_VERSION"
	GOBIN="$bin" quiet go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
	stamp "$out" "$KUSTOMIZE_VERSION"
}

helm() {
	local out="$bin/helm"
	built helm "$out" "$HELM_VERSION" && return
	say "building helm $HELM_VERSION (about a minute)"
	GOBIN="$bin" quiet go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
	stamp "$out" "$HELM_VERSION"
}

etcd() {
	local out="$k8s/etcd"
	built etcd "$out" "$ETCD_VERSION" && return
	say "building etcd $ETCD_VERSION from go.etcd.io/etcd/server/v3 (about a minute)"
	local mod="$build/etcd"
	rm -rf "$mod" && mkdir -p "$mod"
	cp "$root/hack/tools/etcd/go.mod" "$root/hack/tools/etcd/main.go" "$mod/"
	(cd "$mod" && quiet go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" && quiet go mod tidy &&
		go build -o "$out" .)
	stamp "$out" "$ETCD_VERSION"
}

# kube_module writes a module that builds k8s.io/kubernetes commands, with each
# staging module (./staging/src/k8s.io/* in Kubernetes' own go.mod) replaced by
# its published version, since the proxy cannot serve relative replacements.
kube_module() {
	local mod="$build/kube-$KUBERNETES_VERSION"
	if [ ! -f "$mod/.ready" ]; then
		rm -rf "$mod" && mkdir -p "$mod"
		local upstream
		upstream=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
		{
			printf 'module egov-operator-kube-tools\n\ngo 1.26\n\nreplace (\n'
			awk -v v="$KUBERNETES_STAGING_VERSION" '$2 == "=>" && $3 ~ /^\.\/staging\// { printf "\t%s => %s %s\n", $1, $1, v }' "$upstream"
			printf ')\n'
		} >"$mod/go.mod"
		(cd "$mod" && quiet go get -tool \
			"k8s.io/kubernetes/cmd/kube-apiserver@$KUBERNETES_VERSION" \
			"k8s.io/kubernetes/cmd/kube-controller-manager@$KUBERNETES_VERSION" \
			"k8s.io/kubernetes/cmd/kube-scheduler@$KUBERNETES_VERSION" \
			"k8s.io/kubernetes/cmd/kubectl@$KUBERNETES_VERSION")
		touch "$mod/.ready"
	fi
	echo "$mod"
}

kube() {
	local cmds=() c
	for c in "$@"; do
		built "$c" "$k8s/$c" "$KUBERNETES_VERSION" || cmds+=("$c")
	done
	[ ${#cmds[@]} -eq 0 ] && return
	say "building ${cmds[*]} $KUBERNETES_VERSION from k8s.io/kubernetes (the first build takes several minutes)"
	local mod pkgs=()
	mod=$(kube_module)
	for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
	(cd "$mod" && go build -o "$k8s/" "${pkgs[@]}")
	for c in "${cmds[@]}"; do stamp "$k8s/$c" "$KUBERNETES_VERSION"; done
}

kwok() {
	local out="$k8s/kwok"
	built kwok "$out" "$KWOK_VERSION" && return
	say "building kwok $KWOK_VERSION"
	GOBIN="$k8s" go install "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
	stamp "$out" "$KWOK_VERSION"
}

# cert_manager builds cert-manager's controllers (hack/tools/certmanager) at
# the cert-manager and Kubernetes versions of the operator's own go.mod.
cert_manager() {
	local out="$k8s/cert-manager-controllers" version source
	version=$(cd "$root" && go list -m -f '{{.Version}}' github.com/cert-manager/cert-manager)
	source=$(cat "$root/hack/tools/certmanager/go.mod" "$root/hack/tools/certmanager/main.go" | sha256sum | cut -c1-12)
	built cert-manager-controllers "$out" "$version-$source" && return
	say "building cert-manager's controllers $version (about two minutes)"
	local mod="$build/certmanager" pins=() m
	# Pin every module compiled in to the operator's versions, not the older
	# ones cert-manager's go.mod would pick.
	for m in sigs.k8s.io/controller-runtime k8s.io/api k8s.io/apimachinery k8s.io/client-go \
		k8s.io/apiserver k8s.io/component-base k8s.io/apiextensions-apiserver; do
		pins+=("$m@$(cd "$root" && go list -m -f '{{.Version}}' "$m")")
	done
	rm -rf "$mod" && mkdir -p "$mod"
	cp "$root/hack/tools/certmanager/go.mod" "$root/hack/tools/certmanager/main.go" "$mod/"
	(cd "$mod" && quiet go get "github.com/cert-manager/cert-manager@$version" "${pins[@]}" && quiet go mod tidy &&
		go build -o "$out" .)
	stamp "$out" "$version-$source"
}

for target in "$@"; do
	case "$target" in
	controller-gen) controller_gen ;;
	staticcheck) staticcheck ;;
	kubebuilder) kubebuilder ;;
	kustomize) kustomize ;;
	helm) helm ;;
	envtest) etcd && kube kube-apiserver ;;
	kubectl) kube kubectl ;;
	cluster) etcd && kube kube-apiserver kubectl kube-controller-manager kube-scheduler && kwok && cert_manager ;;
	*) say "unknown target $target" && exit 2 ;;
	esac
done
