#!/usr/bin/env bash
# Benchmarks the embedded engine's BatchWriteItem throughput side by side with dynalite, from two
# clients: the AWS SDK async client (JVM; pitr over HTTP and in-process, dynalite over HTTP, 1 and
# 8 requests in flight), then bench/loadgen.js, an independent Node client (`pitr local serve` and
# dynalite over 1 and 4 keep-alive connections).
#   bench/engine.sh [--seconds N] [--rounds R]
#   PITR_BENCH_CLIENTS=node bench/engine.sh ...   # only one client: jvm or node (default: jvm,node)
#   PITR_BASELINE_JAR=old.jar PITR_PAIRS=3 bench/engine.sh ...   # old and current jar, alternately,
#     against the same dynalite: compare each run's pitr/dynalite ratios (the load cancels out)
# Installs dynalite from npm into bench/.node on first use and starts it on a free port.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
node_dir="$here/.node"

if [[ ! -x "$node_dir/node_modules/.bin/dynalite" ]]; then
  echo "bench: installing dynalite into $node_dir ..." >&2
  mkdir -p "$node_dir"
  (cd "$node_dir" && npm install --silent --no-audit --no-fund dynalite@4.0.0 >&2)
fi

# shellcheck source=bench/ports.sh
source "$here/ports.sh"
port="$(free_port)"
"$node_dir/node_modules/.bin/dynalite" --port "$port" --host 127.0.0.1 --createTableMs 0 --deleteTableMs 0 >/dev/null 2>&1 &
dynalite_pid=$!
serve_pid=""
trap 'kill "$dynalite_pid" $serve_pid 2>/dev/null || true' EXIT
wait_for "$port"

[[ -f "$root/target/pitr.jar" ]] || (cd "$root" && mvn -B -q package -DskipTests)
clients="${PITR_BENCH_CLIENTS:-jvm,node}"
run() {
  if [[ ",$clients," == *",jvm,"* ]]; then
    echo "== JVM client (AWS SDK v2 async)"
    java ${PITR_JAVA_OPTS:--Xmx2g} -jar "$1" bench engine \
      --compare-endpoint "http://127.0.0.1:$port" --compare-name dynalite "${@:2}"
  fi
  if [[ ",$clients," == *",node,"* ]]; then
    echo "== Node client (bench/loadgen.js)"
    local serve_port
    serve_port="$(free_port)"
    java ${PITR_JAVA_OPTS:--Xmx2g} -jar "$1" local serve --port "$serve_port" >/dev/null 2>&1 &
    serve_pid=$!
    wait_for "$serve_port"
    node "$here/loadgen.js" --target "pitr=http://127.0.0.1:$serve_port" \
      --target "dynalite=http://127.0.0.1:$port" "${@:2}"
    kill "$serve_pid"
    wait "$serve_pid" 2>/dev/null || true
    serve_pid=""
  fi
}
if [[ -z "${PITR_BASELINE_JAR:-}" ]]; then
  run "$root/target/pitr.jar" "$@"
  exit
fi
for pair in $(seq 1 "${PITR_PAIRS:-3}"); do
  echo "== pair $pair: baseline $PITR_BASELINE_JAR"
  run "$PITR_BASELINE_JAR" "$@"
  echo "== pair $pair: current target/pitr.jar"
  run "$root/target/pitr.jar" "$@"
done
