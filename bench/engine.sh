#!/usr/bin/env bash
# Benchmarks the embedded engine's BatchWriteItem throughput (HTTP and in-process) side by side
# with dynalite, all driven by the same AWS SDK async client in one run.
#   bench/engine.sh [--seconds N] [--rounds R]
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

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
"$node_dir/node_modules/.bin/dynalite" --port "$port" --host 127.0.0.1 --createTableMs 0 --deleteTableMs 0 >/dev/null 2>&1 &
dynalite_pid=$!
trap 'kill "$dynalite_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

[[ -f "$root/target/pitr.jar" ]] || (cd "$root" && mvn -B -q package -DskipTests)
run() {
  java ${PITR_JAVA_OPTS:--Xmx2g} -jar "$1" bench engine \
    --compare-endpoint "http://127.0.0.1:$port" --compare-name dynalite "${@:2}"
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
