#!/usr/bin/env bash
# make bench: measures the operator on a local cluster of its own
# (hack/cluster.sh, state in .state/bench) and writes docs/benchmarks.md
# (hack/bench). The cluster is stopped at the end, even on failure.
#
#   BENCH_RUNS   convergence measurements (default 5)
#   BENCH_IDLE   idle window (default 1m; 5m for the full measure)
#   BENCH_PROVINCES  how many provinces (default 34; fewer for a quick check)
#   BENCH_SCALE  environments per province for the scale runs, measured once
#                each after the others (default 10; 10,30 for the full measure)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export EGOV_CLUSTER_STATE=$root/.state/bench
state=$EGOV_CLUSTER_STATE
# shellcheck source=versions.env
source hack/versions.env
export KWOK_VERSION KUBERNETES_VERSION
scale=${BENCH_SCALE-10}
# The nodes hold the largest fleet's pods.
export EGOV_CLUSTER_SCALE=$(tr , '\n' <<<"${scale:-1}" | sort -n | tail -n 1)

hack/bootstrap.sh cluster helm
mkdir -p "$state"
# Built into the bench's state, not bin/: checkouts share bin/.
go build -o "$state/manager" ./cmd/manager
go build -o "$state/bench" ./hack/bench

trap 'hack/cluster.sh down' EXIT
hack/cluster.sh up
hack/install-operator.sh
"$state/bench" --state "$state" --manager "$state/manager" --kubectl bin/k8s/kubectl \
	--provinces "${BENCH_PROVINCES:-34}" --runs "${BENCH_RUNS:-5}" --idle "${BENCH_IDLE:-1m}" \
	${scale:+--scale "$scale"} --fresh-cluster "hack/cluster.sh up && hack/install-operator.sh" --out docs/benchmarks.md
