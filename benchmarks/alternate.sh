#!/usr/bin/env bash
# Two JMH benchmarks of one class, run in alternating single-fork pairs (baseline, candidate,
# baseline, candidate, ...) instead of one after the other. On a shared machine the load drifts
# over minutes, so JMH's usual order (every fork of the first, then every fork of the second)
# can put a drift of 10% between them; alternating exposes both to it alike. Prints each pair's
# scores and ratio (candidate / baseline; for throughput modes higher is better) and the median.
#
# Usage: benchmarks/alternate.sh <Class> <baselineMethod> <candidateMethod> [pairs] [jmh options...]
#   e.g. benchmarks/alternate.sh CountingStreamBenchmark baselineRawStream countingStream 8
#        benchmarks/alternate.sh CountingStreamBenchmark baselineRawStream countingStream 8 -p bodyBytes=65536
# (build first: mvn -B -q -DskipTests install). Runs locally; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
class=$1 baseline=$2 candidate=$3 pairs=${4:-6}
shift $(( $# >= 4 ? 4 : 3 ))
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests install" >&2; exit 2; }
ratios=$(mktemp)
trap 'rm -f "$ratios"' EXIT

score() {
  # The score column of JMH's result line for one method, one fork.
  local method=$1
  shift
  java -jar "$jar" "$class\.$method\$" -f 1 "$@" 2>&1 | awk -v m="$class.$method" '$1 == m {print $(NF-3); exit}'
}

printf '%-5s %16s %16s %7s\n' pair "$baseline" "$candidate" ratio
for p in $(seq 1 "$pairs"); do
  b=$(score "$baseline" "$@")
  c=$(score "$candidate" "$@")
  [ -n "$b" ] && [ -n "$c" ] || { echo "no score for pair $p (see: java -jar $jar -h)" >&2; exit 1; }
  r=$(awk -v b="$b" -v c="$c" 'BEGIN {printf "%.3f", c / b}')
  echo "$r" >>"$ratios"
  printf '%-5s %16s %16s %7s\n' "$p" "$b" "$c" "$r"
done
echo "median ratio ($candidate / $baseline): $(sort -n "$ratios" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')"
