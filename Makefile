# egov-operator

include hack/versions.env

IMG ?= egov-operator:dev
BIN := $(CURDIR)/bin
K8S_BIN := $(BIN)/k8s
CONTROLLER_GEN := $(BIN)/controller-gen
KUSTOMIZE := $(BIN)/kustomize
KUBEBUILDER := $(BIN)/kubebuilder
KUBECTL ?= $(K8S_BIN)/kubectl
GO_TEST_FLAGS ?= -count=1

# Use bash with strict options so a failing step in a pipe fails the target.
SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Show the targets and what each does.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate the CRDs, the ClusterRole, the webhook configuration, docs/api.md and the guides' generated tables.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd webhook paths="./api/...;./controllers/...;./internal/webhook/..." output:crd:artifacts:config=config/crd/bases
	go run ./hack/apidocs
	go run ./hack/reasons
	go run ./hack/contract

.PHONY: generate
generate: controller-gen ## Generate the ProvinceCode type from the province table, deepcopy code, and the GitOps files.
	go run ./hack/genprovinces
	go run ./hack/gitops
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: fmt
fmt: ## Format the Go code.
	go fmt ./...

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: lint
lint: ## Fail on unformatted code, go vet or staticcheck findings.
	@hack/bootstrap.sh staticcheck
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go vet -tags e2e ./test/e2e/
	go vet -tags reliability ./test/reliability/
	$(BIN)/staticcheck ./...
	$(BIN)/staticcheck -tags e2e ./test/e2e/
	$(BIN)/staticcheck -tags reliability ./test/reliability/

.PHONY: test
test: manifests generate fmt vet envtest helm ## Run unit and integration tests (a real kube-apiserver and etcd), and lint and render the Helm chart.
	KUBEBUILDER_ASSETS="$(K8S_BIN)" go test ./... $(GO_TEST_FLAGS) -coverprofile cover.out

##@ Demo and end-to-end tests (a local cluster with no container runtime)

.PHONY: demo
demo: ## Run the operator on a local cluster and bring all 34 provinces to Ready.
	hack/demo.sh

.PHONY: demo-down
demo-down: ## Stop the local cluster and the operator started by make demo.
	hack/cluster.sh down

.PHONY: test-e2e
test-e2e: ## Run the end-to-end suite on its own local cluster (torn down even on failure).
	hack/bootstrap.sh cluster
	@# The suite stops its cluster itself; stopping again covers a test binary killed by its timeout.
	status=0; go test -tags e2e ./test/e2e/ -count=1 -v -timeout 40m || status=$$?; \
	EGOV_CLUSTER_STATE=$(CURDIR)/.state/e2e hack/cluster.sh down; exit $$status

.PHONY: bench
bench: ## Measure convergence against the floor, time to Ready, idle and change cost on a local cluster; writes docs/benchmarks.md (BENCH_RUNS=5, BENCH_IDLE=1m).
	hack/bench.sh

# -args -provinces 34 -kills 10 runs the reliability suite at full size.
RELIABILITY_FLAGS ?=
# The report make test-reliability writes; CI writes its own under bin/.
RELIABILITY_REPORT ?= docs/reliability.md
RELIABILITY_STATE := $(CURDIR)/.state/reliability

.PHONY: test-reliability
test-reliability: ## Kill, restart and disturb the operator on its own local cluster and check nothing is lost (torn down even on failure); writes docs/reliability.md, failures included.
	hack/bootstrap.sh cluster
	mkdir -p $(RELIABILITY_STATE)
	@# Built before the suite runs, into its state (checkouts share bin/).
	go build -o $(RELIABILITY_STATE)/reliability-report ./hack/reliability-report
	@# The report prints the tests' output as -v does, keeps the events and
	@# writes the report whatever the result; the exit status is go test's.
	status=0; go test -tags reliability ./test/reliability/ -count=1 -json -timeout 60m $(RELIABILITY_FLAGS) \
		| $(RELIABILITY_STATE)/reliability-report -log .state/reliability/go-test.json -out $(RELIABILITY_REPORT) \
			-flags='$(RELIABILITY_FLAGS)' -kubernetes $(KUBERNETES_VERSION) -kwok $(KWOK_VERSION) || status=$$?; \
	EGOV_CLUSTER_STATE=$(RELIABILITY_STATE) hack/cluster.sh down; exit $$status

##@ Build

.PHONY: build
build: manifests generate fmt vet ## Build the manager binary.
	go build -o $(BIN)/manager ./cmd/manager

.PHONY: egovctl
egovctl: ## Build the egovctl command line into bin/ (ln -s egovctl kubectl-egov makes it a kubectl plugin).
	go build -o $(BIN)/egovctl ./cmd/egovctl

.PHONY: run
run: manifests generate fmt vet ## Run the manager against the current kubeconfig's cluster (without its webhook server).
	ENABLE_WEBHOOKS=false go run ./cmd/manager

# The image's architecture, and buildah's options where there is no container engine.
ARCH ?= $(shell go env GOARCH)
BUILDAH := buildah --storage-driver vfs

.PHONY: docker-build
docker-build: ## Build the manager image (a static binary in scratch): with Docker when an engine runs, otherwise offline with buildah.
	CGO_ENABLED=0 GOOS=linux GOARCH=$(ARCH) go build -trimpath -o dist/manager-linux-$(ARCH) ./cmd/manager
	if docker info >/dev/null 2>&1; then docker build --build-arg TARGETARCH=$(ARCH) -t $(IMG) .; \
	else $(BUILDAH) bud --isolation chroot --build-arg TARGETARCH=$(ARCH) -t $(IMG) .; fi

.PHONY: docker-push
docker-push: ## Push the manager image to its registry (IMG=registry.example/egov-operator:v1).
	if docker info >/dev/null 2>&1; then docker push $(IMG); else $(BUILDAH) push $(IMG); fi

.PHONY: test-image
test-image: docker-build ## Build the image with buildah and run its manager's --help inside it.
	container=$$($(BUILDAH) from $(IMG)); \
	status=0; $(BUILDAH) run --isolation chroot $$container /manager --help || status=$$?; \
	$(BUILDAH) rm $$container >/dev/null; exit $$status

##@ Deployment

.PHONY: build-installer
build-installer: manifests generate kustomize ## Write dist/install.yaml: CRDs and everything config/default installs (IMG sets the image).
	mkdir -p dist
	cd config/manager && $(KUSTOMIZE) edit set image controller=$(IMG)
	$(KUSTOMIZE) build config/default > dist/install.yaml

.PHONY: helm-chart
helm-chart: build-installer kubebuilder ## Regenerate the Helm chart in charts/chart from dist/install.yaml.
	@# The plugin rewrites the templates it derives and keeps values.yaml, NOTES.txt and _helpers.tpl;
	@# removing the derived ones first drops those of objects config/ no longer has.
	rm -rf charts/chart/templates/*/
	$(KUBEBUILDER) edit --plugins=helm/v2-alpha --output-dir=charts

.PHONY: install
install: manifests kubectl ## Install the CRDs into the current kubeconfig's cluster.
	$(KUBECTL) apply --server-side -f config/crd/bases

.PHONY: uninstall
uninstall: kubectl ## Remove the CRDs (and every object of their kinds) from the cluster.
	$(KUBECTL) delete --ignore-not-found -f config/crd/bases

##@ Tools (built from the Go module proxy into bin/, versions in hack/versions.env)

.PHONY: controller-gen
controller-gen: ## Build controller-gen.
	@hack/bootstrap.sh controller-gen

.PHONY: envtest
envtest: ## Build etcd and kube-apiserver for the integration tests.
	@hack/bootstrap.sh envtest

.PHONY: kubectl
kubectl: ## Build kubectl.
	@hack/bootstrap.sh kubectl

.PHONY: kubebuilder
kubebuilder: ## Build the kubebuilder CLI.
	@hack/bootstrap.sh kubebuilder

.PHONY: kustomize
kustomize: ## Build kustomize.
	@hack/bootstrap.sh kustomize

.PHONY: helm
helm: ## Build helm.
	@hack/bootstrap.sh helm

##@ Helm Deployment

## Helm binary to use for deploying the chart
HELM ?= $(BIN)/helm
## Namespace to deploy the Helm release
HELM_NAMESPACE ?= egov-operator-system
## Name of the Helm release
HELM_RELEASE ?= egov-operator
## Path to the Helm chart directory
HELM_CHART_DIR ?= charts/chart
## Additional arguments to pass to helm commands
HELM_EXTRA_ARGS ?=

.PHONY: helm-deploy
helm-deploy: helm ## Deploy manager to the K8s cluster via Helm. Specify an image with IMG.
	$(HELM) upgrade --install $(HELM_RELEASE) $(HELM_CHART_DIR) \
		--namespace $(HELM_NAMESPACE) \
		--create-namespace \
		--set manager.image.repository=$${IMG%:*} \
		--set manager.image.tag=$${IMG##*:} \
		--wait \
		--timeout 5m \
		$(HELM_EXTRA_ARGS)

.PHONY: helm-uninstall
helm-uninstall: ## Uninstall the Helm release from the K8s cluster.
	$(HELM) uninstall $(HELM_RELEASE) --namespace $(HELM_NAMESPACE)

.PHONY: helm-status
helm-status: ## Show Helm release status.
	$(HELM) status $(HELM_RELEASE) --namespace $(HELM_NAMESPACE)

.PHONY: helm-history
helm-history: ## Show Helm release history.
	$(HELM) history $(HELM_RELEASE) --namespace $(HELM_NAMESPACE)

.PHONY: helm-rollback
helm-rollback: ## Rollback to previous Helm release.
	$(HELM) rollback $(HELM_RELEASE) --namespace $(HELM_NAMESPACE)
