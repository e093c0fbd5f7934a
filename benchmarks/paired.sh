#!/usr/bin/env bash
# Paired comparison for a noisy machine: runs bare Jetty (or Tomcat) and one variant AT THE SAME
# TIME, both servers pinned to CPU 0 and both wrk clients to CPU 1, so whatever else the machine
# is doing hits both equally. After a common warm-up it measures several windows; in each, the
# CPU time per request of each server's request-handling threads (process minus JIT compiler and
# GC threads, from /proc) and their ratio. Reports every window and the median ratio.
#
# Usage: benchmarks/paired.sh [variant] [windows] [seconds]   e.g. paired.sh jetty-palisade 5 10
#        VARIANT_OPTS="-Dpalisade.omit=apiKeyAuth" benchmarks/paired.sh jetty-palisade   (one filter left out)
#        CONNECTIONS=64 benchmarks/paired.sh ...   (wrk connections per server, default 16)
# The requests column shows each server's count per window: with both clients on one core they
# are about equal, so neither server is saturated and requests/s says little; CPU per request does.
#        (build first: mvn -B -q -DskipTests package). Targets 127.0.0.1 only; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
variant=${1:-jetty-palisade}
windows=${2:-5}
seconds=${3:-10}
warmup=${WARMUP:-45}
base="${variant%%-*}-bare"
tck=$(getconf CLK_TCK)

# CPU ticks of a process's request-handling threads (all but JIT compiler and GC threads).
req_ticks() {
  local req=0 f comm rest
  for f in /proc/"$1"/task/*/stat; do
    read -r rest <"$f" || continue
    comm=${rest#*(}; comm=${comm%)*}
    case "$comm" in
      C1\ Compiler*|C2\ Compiler*|GC\ Thread*|VM\ Thread|G1*|Sweeper*) ;;
      *) req=$((req + $(awk '{print $12+$13}' <<<"${rest##*) }"))) ;;
    esac
  done
  echo "$req"
}

# shellcheck source=benchmarks/pair.sh
. benchmarks/pair.sh
taskset -c 1 wrk -t1 -c"${CONNECTIONS:-16}" -d"${warmup}s" -H "$auth" http://127.0.0.1:18091$endpoint >/dev/null &
wb=$!
taskset -c 1 wrk -t1 -c"${CONNECTIONS:-16}" -d"${warmup}s" -H "$auth" http://127.0.0.1:18092$endpoint >/dev/null &
wv=$!
wait $wb $wv

printf '%-8s %14s %14s %8s %22s\n' window "$base" "$variant" ratio "requests (bare/variant)"
for w in $(seq 1 "$windows"); do
  b0=$(req_ticks "$pb"); v0=$(req_ticks "$pv")
  taskset -c 1 wrk -t1 -c"${CONNECTIONS:-16}" -d"${seconds}s" -H "$auth" http://127.0.0.1:18091$endpoint >"$out/b$w.wrk" &
  wb=$!
  taskset -c 1 wrk -t1 -c"${CONNECTIONS:-16}" -d"${seconds}s" -H "$auth" http://127.0.0.1:18092$endpoint >"$out/v$w.wrk" &
  wv=$!
  wait $wb $wv
  b1=$(req_ticks "$pb"); v1=$(req_ticks "$pv")
  nb=$(awk '/requests in/ {print $1}' "$out/b$w.wrk"); nv=$(awk '/requests in/ {print $1}' "$out/v$w.wrk")
  for f in "$out/b$w.wrk" "$out/v$w.wrk"; do
    ! grep -q Non-2xx "$f" || { echo "non-2xx answers in $f" >&2; exit 1; }
  done
  cb=$(awk -v a="$b0" -v b="$b1" -v n="$nb" -v t="$tck" 'BEGIN {printf "%.2f", (b-a)/t*1e6/n}')
  cv=$(awk -v a="$v0" -v b="$v1" -v n="$nv" -v t="$tck" 'BEGIN {printf "%.2f", (b-a)/t*1e6/n}')
  r=$(awk -v a="$cb" -v b="$cv" 'BEGIN {printf "%.3f", b/a}')
  echo "$r" >>"$out/ratios"
  printf '%-8s %11s us %11s us %8s %22s\n' "$w" "$cb" "$cv" "$r" "$nb/$nv"
done
echo "median ratio (variant/bare CPU per request): $(sort -n "$out/ratios" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')"
echo "raw results: $out"
