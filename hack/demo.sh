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
# The manager is built into the cluster's state, not bin/: checkouts that share
# bin/ must not start each other's manager.
mkdir -p "$state"
go build -o "$state/manager" ./cmd/manager

hack/cluster.sh up

say "installing the operator from its Helm chart (charts/chart), all but the manager's Deployment"
hack/install-operator.sh
say "running the manager as the chart's ServiceAccount egov-operator-system/egov-operator-controller-manager"
operator_kubeconfig=$state/operator.kubeconfig

# The operator runs as a process on loopback here, not behind a Service: its
# webhook server gets a certificate for 127.0.0.1 from cert-manager, and the
# webhook configuration calls it by URL with that certificate's CA.
say "issuing the webhook server's certificate with cert-manager"
kubectl apply -f - >/dev/null <<CERT
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: selfsigned-issuer
  namespace: egov-operator-system
spec:
  selfSigned: {}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: serving-cert
  namespace: egov-operator-system
spec:
  ipAddresses: ["127.0.0.1"]
  issuerRef:
    kind: Issuer
    name: selfsigned-issuer
  secretName: webhook-server-cert
CERT
kubectl wait --for condition=Ready --timeout 120s -n egov-operator-system certificate/serving-cert >/dev/null
certs=$state/webhook-certs
mkdir -p "$certs"
for key in tls.crt tls.key ca.crt; do
	kubectl get secret -n egov-operator-system webhook-server-cert -o "jsonpath={.data.${key//./\\.}}" | base64 -d >"$certs/$key"
done
webhook_port=$(hack/cluster.sh port)
hack/cluster.sh run operator "$state/manager" --kubeconfig "$operator_kubeconfig" \
	--health-probe-bind-address 127.0.0.1:0 --metrics-bind-address 0 \
	--webhook-bind-address "127.0.0.1:$webhook_port" --webhook-cert-path "$certs"
for _ in $(seq 1 120); do
	(exec 3<>"/dev/tcp/127.0.0.1/$webhook_port") 2>/dev/null && break
	sleep 0.5
done
say "registering the admission webhooks at https://127.0.0.1:$webhook_port"
kubectl apply -f config/webhook/manifests.yaml >/dev/null
ca=$(base64 -w0 "$certs/ca.crt") ops="" i=0
for path in $(kubectl get validatingwebhookconfiguration validating-webhook-configuration -o jsonpath='{.webhooks[*].clientConfig.service.path}'); do
	ops+="${ops:+,}{\"op\":\"replace\",\"path\":\"/webhooks/$i/clientConfig\",\"value\":{\"url\":\"https://127.0.0.1:$webhook_port$path\",\"caBundle\":\"$ca\"}}"
	i=$((i + 1))
done
kubectl patch validatingwebhookconfiguration validating-webhook-configuration --type json -p "[$ops]" >/dev/null

# Arguments go to hack/demo: --provinces=false sets up the national objects only.
go run ./hack/demo --kubeconfig "$state/admin.kubeconfig" --samples config/samples "$@"
echo "Roll the fleet out to release egov-2027.01 in three waves, and watch it:"
echo "  kubectl apply -f config/samples/rollout_egov-2027.01.yaml"
echo "  kubectl get fleetrollout -w    # and kubectl get provinces: each province's release"
echo "Operator log: $state/logs/operator.log; stop everything with: make demo-down"
