#!/usr/bin/env bash
# Compares the HTTP engine of two builds side by side: serves each jar with `pitr local serve`
# (same JVM options, both running at once) and drives both from one Node client
# (bench/loadgen.js) in interleaved rounds, reporting items/s, per-round ratios and each server's
# CPU µs per item written. On a loaded machine, read the per-round ratios and the CPU ratios.
#   bench/engine-ab.sh OLD_JAR [NEW_JAR] [loadgen options: --seconds N --rounds R --payloads 16,1000 ...]
#   PITR_JAVA_OPTS='-Xmx2g' (default) sets both servers' JVM options; PITR_NEW_JAVA_OPTS adds options
#     to the new server's alone, to compare JVM options on one jar (give it twice).
#   PITR_SERVER_CPUS=0 PITR_CLIENT_CPUS=1: pin both servers to the same CPUs (taskset), so neither
#     runs on a faster core than the other, and the client to others. A server pinned to one CPU
#     still needs -XX:ActiveProcessorCount=2 in PITR_JAVA_OPTS to keep the JVM's default collector.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
if [[ $# -lt 1 || ! -f "$1" ]]; then
  echo "usage: bench/engine-ab.sh OLD_JAR [NEW_JAR] [loadgen options]  (OLD_JAR must exist)" >&2
  exit 2
fi
old="$1"
shift
new="$root/target/pitr.jar"
if [[ $# -gt 0 && "$1" != --* ]]; then
  new="$1"
  shift
fi
[[ -f "$new" ]] || (cd "$root" && mvn -B -q package -DskipTests)

# shellcheck source=bench/ports.sh
source "$here/ports.sh"
server=()
client=()
[[ -z "${PITR_SERVER_CPUS:-}" ]] || server=(taskset -c "$PITR_SERVER_CPUS")
[[ -z "${PITR_CLIENT_CPUS:-}" ]] || client=(taskset -c "$PITR_CLIENT_CPUS")
old_port="$(free_port)"
# shellcheck disable=SC2086
"${server[@]}" java ${PITR_JAVA_OPTS:--Xmx2g} -jar "$old" local serve --port "$old_port" >/dev/null 2>&1 &
old_pid=$!
new_port="$(free_port)"
# shellcheck disable=SC2086
"${server[@]}" java ${PITR_JAVA_OPTS:--Xmx2g} ${PITR_NEW_JAVA_OPTS:-} -jar "$new" local serve --port "$new_port" >/dev/null 2>&1 &
new_pid=$!
trap 'kill "$old_pid" "$new_pid" 2>/dev/null || true' EXIT
wait_for "$old_port"
wait_for "$new_port"
echo "old: $old (pid $old_pid, port $old_port)"
echo "new: $new (pid $new_pid, port $new_port)"
"${client[@]}" node "$here/loadgen.js" \
  --target "new=http://127.0.0.1:$new_port" --pid "new=$new_pid" \
  --target "old=http://127.0.0.1:$old_port" --pid "old=$old_pid" "$@"
