#!/usr/bin/env bash
# In-process GetItem at 10,000 and 10,000,000 items (bench/PointReads.java: both sizes in one JVM,
# their timed rounds alternating), PASSES JVMs in a row, each with the JVM options the ./pitr
# launcher gives the engine and a 4 GB heap. With several jars, each pass runs every jar in turn,
# so two builds are compared side by side. Prints each pass's medians and ratio.
#   bench/point-reads.sh [PASSES] [JAR...]        (defaults: 3, target/pitr.jar)
# SIZES (default 10000,10000000), ROUNDS (default 5) and EXTRA_JAVA_OPTS change the run; OP=put
# times PutItem instead of GetItem.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
passes="${1:-3}"
shift || true
jars=("$@")
if [[ ${#jars[@]} -eq 0 ]]; then
  jars=("$here/../target/pitr.jar")
fi
# The options ./pitr runs the engine with (G1's marking threshold, huge pages where Linux offers
# them), with a 4 GB heap.
mapfile -t opts < <(PITR_JAVA_OPTS=-Xmx4g PITR_PRINT_JAVA_OPTS=1 "$here/../pitr")
read -r -a extra <<<"${EXTRA_JAVA_OPTS:-}"
for pass in $(seq 1 "$passes"); do
  for jar in "${jars[@]}"; do
    java "${opts[@]}" ${extra[@]+"${extra[@]}"} -Dop="${OP:-get}" -cp "$jar" "$here/PointReads.java" \
      "${SIZES:-10000,10000000}" "${ROUNDS:-5}" | grep '^median' | sed "s|^|pass $pass $jar: |"
  done
done
