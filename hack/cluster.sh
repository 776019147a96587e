#!/usr/bin/env bash
# A local Kubernetes cluster with no container runtime, for the demo and the
# end-to-end tests: etcd, kube-apiserver (RBAC, service-account tokens, Pod
# Security admission), kube-controller-manager, kube-scheduler, kwok faking
# three nodes, their pods and volumes, and cert-manager's real controllers.
# Everything listens on loopback; binaries come from hack/bootstrap.sh.
#
#   hack/cluster.sh up      start it (stops a previous one first)
#   hack/cluster.sh down    stop exactly the processes `up` (and `run`) started
#   hack/cluster.sh run NAME COMMAND...
#                           start COMMAND beside the cluster, logged and stopped with it
#
# State (kubeconfig, logs, PIDs, etcd data) lives in $EGOV_CLUSTER_STATE,
# default .state/cluster; the admin kubeconfig is $EGOV_CLUSTER_STATE/admin.kubeconfig.
# $EGOV_CLUSTER_SCALE (default 1) multiplies what each node holds, for a
# fleet that many times the 34 provinces' (make bench's scale runs).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state=${EGOV_CLUSTER_STATE:-$root/.state/cluster}
scale=${EGOV_CLUSTER_SCALE:-1}
k8s=$root/bin/k8s
kubectl() { "$k8s/kubectl" --kubeconfig "$state/admin.kubeconfig" "$@"; }
say() { echo "cluster: $*" >&2; }

# free_port prints a loopback port nobody listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 30000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

# start NAME COMMAND...: runs COMMAND in its own session, logging to logs/NAME.log.
start() {
	local name=$1
	shift
	setsid "$@" >"$state/logs/$name.log" 2>&1 </dev/null &
	echo "$! $name" >>"$state/pids"
}

# wait_for WHAT SECONDS COMMAND...: polls COMMAND until it succeeds.
wait_for() {
	local what=$1 deadline=$((SECONDS + $2))
	shift 2
	until "$@" >/dev/null 2>&1; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			say "timed out waiting for $what; logs are in $state/logs"
			return 1
		fi
		sleep 0.5
	done
}

down() {
	[ -f "$state/pids" ] || return 0
	local pid name
	# Stop in reverse start order: clients before the API server, etcd last.
	tac "$state/pids" | while read -r pid name; do
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
		kill -KILL "$pid" 2>/dev/null && say "killed $name" || true
	done
	rm -f "$state/pids"
	say "stopped"
}

kwok_stages() {
	local dir
	dir=$(cd "$root" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
	for f in "$dir"/kustomize/stage/node/fast/node-initialize.yaml "$dir"/kustomize/stage/pod/fast/pod-*.yaml \
		"$dir"/kustomize/stage/volume/fast/{pv-bind,pv-delete,pvc-provision,pvc-delete}.yaml; do
		echo "---"
		cat "$f"
	done
	echo "---"
	cp "$dir/kustomize/stage/volume/fast/storage-class.yaml" "$state/storage-class.yaml"
}

up() {
	down
	# shellcheck source=versions.env
	source "$root/hack/versions.env"
	rm -rf "$state/etcd"
	mkdir -p "$state/logs" "$state/pki"
	local etcd_port etcd_peer api_port token
	etcd_port=$(free_port) etcd_peer=$(free_port) api_port=$(free_port)
	[ -f "$state/pki/sa.key" ] || openssl genrsa -out "$state/pki/sa.key" 2048 2>/dev/null
	openssl rsa -in "$state/pki/sa.key" -pubout -out "$state/pki/sa.pub" 2>/dev/null
	token=$(openssl rand -hex 24)
	echo "$token,admin,admin,system:masters" >"$state/pki/tokens.csv"
	cat >"$state/admin.kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$api_port
    # The API server's certificate is self-signed for this loopback-only cluster.
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: $token
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
KUBECONFIG

	# etcd may hold 8 GiB, not its default 2: the bench's largest fleet, with
	# its pods, key pairs and their history, comes near 2.
	say "starting etcd on 127.0.0.1:$etcd_port"
	start etcd "$k8s/etcd" --name default --data-dir "$state/etcd" \
		--listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
		--listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
		--initial-cluster "default=http://127.0.0.1:$etcd_peer" --unsafe-no-fsync \
		--quota-backend-bytes $((8 * 1024 * 1024 * 1024))

	say "starting kube-apiserver on https://127.0.0.1:$api_port"
	start kube-apiserver "$k8s/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
		--bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" --cert-dir "$state/pki" \
		--authorization-mode RBAC --token-auth-file "$state/pki/tokens.csv" \
		--service-account-issuer https://kubernetes.default.svc --service-account-key-file "$state/pki/sa.pub" \
		--service-account-signing-key-file "$state/pki/sa.key" --service-cluster-ip-range 10.96.0.0/16 \
		--allow-privileged=false --endpoint-reconciler-type none
	wait_for "the API server" 90 kubectl get --raw /readyz

	say "installing cert-manager's CRDs"
	local cm
	cm=$(cd "$root" && go list -m -f '{{.Dir}}' github.com/cert-manager/cert-manager)
	kubectl apply --server-side -f "$cm/deploy/crds/" >/dev/null
	kubectl wait --for condition=Established --timeout 60s crd --all >/dev/null

	say "starting kube-controller-manager, kube-scheduler, kwok and cert-manager's controllers"
	start kube-controller-manager "$k8s/kube-controller-manager" --kubeconfig "$state/admin.kubeconfig" \
		--bind-address 127.0.0.1 --secure-port "$(free_port)" --leader-elect=false \
		--controllers '*,-node-lifecycle-controller,-kube-apiserver-serving-clustertrustbundle-publisher-controller' \
		--kube-api-qps 100 --kube-api-burst 200 \
		--use-service-account-credentials=false \
		--service-account-private-key-file "$state/pki/sa.key"
	start kube-scheduler "$k8s/kube-scheduler" --kubeconfig "$state/admin.kubeconfig" \
		--bind-address 127.0.0.1 --secure-port "$(free_port)" --leader-elect=false
	kwok_stages >"$state/kwok.yaml"
	start kwok "$k8s/kwok" --kubeconfig "$state/admin.kubeconfig" --config "$state/kwok.yaml" \
		--manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
		--node-ip 127.0.0.1 --server-address "127.0.0.1:$(free_port)"
	start cert-manager "$k8s/cert-manager-controllers" --kubeconfig "$state/admin.kubeconfig" \
		--cluster-resource-namespace cert-manager

	# The demo fleet (34 provinces, about 450 pods) requests about 95 CPUs;
	# a release rolls every Deployment with a surge pod, so the nodes hold
	# twice that and more. The comment's figures grow with $scale.
	say "creating 3 kwok nodes and the default StorageClass kwok-volume"
	kubectl apply -f "$state/storage-class.yaml" >/dev/null
	for i in 0 1 2; do
		kubectl apply -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
status:
  allocatable: {cpu: "$((128 * scale))", memory: $((512 * scale))Gi, pods: "$((400 * scale))"}
  capacity: {cpu: "$((128 * scale))", memory: $((512 * scale))Gi, pods: "$((400 * scale))"}
NODE
	done
	wait_for "the kwok nodes to be Ready" 60 kubectl wait --for condition=Ready --timeout 5s node --all
	# The API server taints new nodes not-ready; the node lifecycle controller
	# that would lift it is off (kwok owns the nodes), so lift it here.
	kubectl taint nodes --all node.kubernetes.io/not-ready:NoSchedule- >/dev/null 2>&1 || true
	say "ready: export KUBECONFIG=$state/admin.kubeconfig"
}

case "${1:-}" in
up) up ;;
down) down ;;
run) shift && start "$@" ;;
port) free_port ;;
*) echo "usage: $0 up|down|run NAME COMMAND...|port" >&2 && exit 2 ;;
esac
