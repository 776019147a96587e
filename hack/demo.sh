#!/usr/bin/env bash
# make demo: the operator's whole job on a local cluster. Builds what is
# missing, starts the cluster (hack/cluster.sh), installs the CRDs, runs the
# operator under its own RBAC (the ClusterRole of config/rbac, bound to a
# ServiceAccount: not as an administrator) and sets up all 34 provinces
# (hack/demo). `make demo-down` stops everything.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export EGOV_CLUSTER_STATE=${EGOV_CLUSTER_STATE:-$root/.state/cluster}
state=$EGOV_CLUSTER_STATE
kubectl() { bin/k8s/kubectl --kubeconfig "$state/admin.kubeconfig" "$@"; }
say() { echo "==> $*"; }

say "building what is missing into bin/ (the first build of Kubernetes' binaries takes several minutes; later runs reuse them)"
hack/bootstrap.sh cluster
go build -o bin/manager ./cmd/manager

hack/cluster.sh up

say "installing the operator's CRDs"
kubectl apply --server-side -f config/crd/bases >/dev/null
kubectl wait --for condition=Established --timeout 60s crd --all >/dev/null
say "allowing only the operator to label objects as its own (config/admission)"
kubectl apply -k config/admission >/dev/null

say "running the operator as ServiceAccount egov-operator-system/egov-operator, bound to ClusterRole manager-role"
kubectl apply -f - >/dev/null <<RBAC
apiVersion: v1
kind: Namespace
metadata:
  name: egov-operator-system
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: egov-operator
  namespace: egov-operator-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: egov-operator
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: manager-role
subjects:
- kind: ServiceAccount
  name: egov-operator
  namespace: egov-operator-system
RBAC
kubectl apply -f config/rbac/role.yaml >/dev/null
# Secrets only in province namespaces: each namespace's RoleBinding comes with the province.
kubectl apply -f config/rbac/province_role.yaml >/dev/null
token=$(kubectl create token egov-operator -n egov-operator-system --duration 24h)
operator_kubeconfig=$state/operator.kubeconfig
cp "$state/admin.kubeconfig" "$operator_kubeconfig"
bin/k8s/kubectl --kubeconfig "$operator_kubeconfig" config set-credentials egov-operator --token "$token" >/dev/null
bin/k8s/kubectl --kubeconfig "$operator_kubeconfig" config set-context local --user egov-operator >/dev/null
bin/k8s/kubectl --kubeconfig "$operator_kubeconfig" config unset users.admin >/dev/null
hack/cluster.sh run operator bin/manager --kubeconfig "$operator_kubeconfig" \
	--health-probe-bind-address 127.0.0.1:0 --metrics-bind-address 0

go run ./hack/demo --kubeconfig "$state/admin.kubeconfig" --samples config/samples
echo "Roll the fleet out to release egov-2027.01 in three waves, and watch it:"
echo "  kubectl apply -f config/samples/rollout_egov-2027.01.yaml"
echo "  kubectl get fleetrollout -w    # and kubectl get provinces: each province's release"
echo "Operator log: $state/logs/operator.log; stop everything with: make demo-down"
