#!/usr/bin/env bash
# Installs the operator's Helm chart (charts/chart) on the local cluster of
# $EGOV_CLUSTER_STATE, all but the manager's Deployment, and writes
# $EGOV_CLUSTER_STATE/operator.kubeconfig: the admin kubeconfig with the
# chart's ServiceAccount's token instead of the admin's, for a manager run as
# a process under the chart's RBAC (not as an administrator).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
state=${EGOV_CLUSTER_STATE:-$root/.state/cluster}
kubectl() { bin/k8s/kubectl --kubeconfig "$state/admin.kubeconfig" "$@"; }

# No container runtime here to run the image: the chart installs the CRDs,
# the ServiceAccount, the RBAC and the admission policies. Webhooks, if
# wanted, are registered by the caller by URL, so the chart's (behind a
# Service) are left out.
bin/helm --kubeconfig "$state/admin.kubeconfig" upgrade --install egov-operator charts/chart \
	--namespace egov-operator-system --create-namespace \
	--set manager.enabled=false --set webhook.enabled=false --set certManager.enabled=false >/dev/null
kubectl wait --for condition=Established --timeout 60s crd --all >/dev/null

# The chart's admission policies read their parameters from the
# NationalPlatform kind it has just installed: until the API server has
# picked that kind up, they refuse every request they match ("failed to
# configure policy"). A server-side dry run tells when they are ready.
probe='{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"admission-probe","namespace":"egov-operator-system"},
"spec":{"secretName":"admission-probe","dnsNames":["probe.invalid"],"issuerRef":{"name":"probe"}}}'
for attempt in $(seq 1 60); do
	if out=$(echo "$probe" | kubectl create --dry-run=server -f - 2>&1); then
		break
	fi
	case $out in
	*"failed to configure"*) [ "$attempt" -lt 60 ] && sleep 1 || { echo "$out" >&2; exit 1; } ;;
	*) echo "$out" >&2; exit 1 ;;
	esac
done

token=$(kubectl create token egov-operator-controller-manager -n egov-operator-system --duration 24h)
operator_kubeconfig=$state/operator.kubeconfig
cp "$state/admin.kubeconfig" "$operator_kubeconfig"
bin/k8s/kubectl --kubeconfig "$operator_kubeconfig" config set-credentials egov-operator --token "$token" >/dev/null
bin/k8s/kubectl --kubeconfig "$operator_kubeconfig" config set-context local --user egov-operator >/dev/null
bin/k8s/kubectl --kubeconfig "$operator_kubeconfig" config unset users.admin >/dev/null
