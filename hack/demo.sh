#!/usr/bin/env bash
# make demo: the operator's whole job on a local cluster. Builds what is
# missing, starts the cluster (hack/cluster.sh), installs the operator's Helm
# chart without the manager's Deployment, runs the manager as a process under
# the chart's ServiceAccount and RBAC (not as an administrator) and sets up
# all 34 provinces (hack/demo). `make demo-down` stops everything.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export EGOV_CLUSTER_STATE=${EGOV_CLUSTER_STATE:-$root/.state/cluster}
state=$EGOV_CLUSTER_STATE
kubectl() { bin/k8s/kubectl --kubeconfig "$state/admin.kubeconfig" "$@"; }
say() { echo "==> $*"; }

say "building what is missing into bin/ (the first build of Kubernetes' binaries takes several minutes; later runs reuse them)"
hack/bootstrap.sh cluster helm
go build -o bin/manager ./cmd/manager

hack/cluster.sh up

say "installing the operator from its Helm chart (charts/chart), all but the manager's Deployment"
# No container runtime here to run the image: the chart installs the CRDs,
# the ServiceAccount, the RBAC and the admission policies, and the manager
# runs below as a process under that ServiceAccount.
bin/helm --kubeconfig "$state/admin.kubeconfig" upgrade --install egov-operator charts/chart \
	--namespace egov-operator-system --create-namespace --set manager.enabled=false >/dev/null
kubectl wait --for condition=Established --timeout 60s crd --all >/dev/null

say "running the manager as the chart's ServiceAccount egov-operator-system/egov-operator-controller-manager"
token=$(kubectl create token egov-operator-controller-manager -n egov-operator-system --duration 24h)
operator_kubeconfig=$state/operator.kubeconfig
cp "$state/admin.kubeconfig" "$operator_kubeconfig"
bin/k8s/kubectl --kubeconfig "$operator_kubeconfig" config set-credentials egov-operator --token "$token" >/dev/null
bin/k8s/kubectl --kubeconfig "$operator_kubeconfig" config set-context local --user egov-operator >/dev/null
bin/k8s/kubectl --kubeconfig "$operator_kubeconfig" config unset users.admin >/dev/null
hack/cluster.sh run operator bin/manager --kubeconfig "$operator_kubeconfig" \
	--health-probe-bind-address 127.0.0.1:0 --metrics-bind-address 0

go run ./hack/demo --kubeconfig "$state/admin.kubeconfig" --samples config/samples
echo "Operator log: $state/logs/operator.log; stop everything with: make demo-down"
