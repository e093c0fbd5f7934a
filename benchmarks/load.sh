#!/usr/bin/env bash
# Throughput and server CPU time per request of a tiny GET on bare Jetty/Tomcat, with the Palisade
# chain, with single peer filters, and with two decomposition variants (seven no-op filters; a
# filter that only sets the response headers the chain adds). The server is pinned to CPU 0 and wrk
# to CPU 1 so the two do not fight over one core; variants are interleaved over several rounds and
# the median is reported.
#
# Two CPU figures per request, from /proc (utime+stime over the measured run, divided by the
# requests served): the whole server process, and its request-handling threads only (the process
# minus the JIT compiler and GC threads). The second is the one to compare: on one pinned core, C2
# keeps compiling for 30-60 s after start, and a chain with more code to compile pays more of that
# during a short run, which once made the chain look 40-60% dearer than it is (see
# docs/benchmarks.md). The warm-up is long (WARMUP, default 45 s) for the same reason.
#
# Usage: benchmarks/load.sh [rounds] [seconds]      (build first: mvn -B -q -DskipTests package)
# Targets 127.0.0.1 only; every run stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-10}
warmup=${WARMUP:-45}
jar=benchmarks/target/benchmarks.jar
port=18089
# Every variant gets the same header; only the Palisade chain checks it (see PalisadeChain.TOKEN).
auth="Authorization: Bearer load-test-token-0123456789abcdef"
variants=${VARIANTS:-"jetty-bare jetty-palisade jetty-noop7 jetty-headers jetty-dosfilter jetty-sizelimit tomcat-bare tomcat-palisade tomcat-noop7 tomcat-headers tomcat-ratelimit"}
tck=$(getconf CLK_TCK)
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
out=$(mktemp -d)

# "<all threads> <request threads>" CPU ticks of a process: request threads are all but the JIT
# compiler and GC threads (whose names the JVM sets), so JIT work left over from start-up and GC
# pauses do not count against the filters.
cpu_ticks() {
  local all=0 req=0 f comm rest ticks
  for f in /proc/"$1"/task/*/stat; do
    read -r rest <"$f" || continue
    comm=${rest#*(}; comm=${comm%)*}
    ticks=$(awk '{print $12+$13}' <<<"${rest##*) }")
    all=$((all + ticks))
    case "$comm" in
      C1\ Compiler*|C2\ Compiler*|GC\ Thread*|VM\ Thread|G1*|Sweeper*) ;;
      *) req=$((req + ticks)) ;;
    esac
  done
  echo "$all $req"
}

run_variant() {
  local variant=$1
  taskset -c 0 java -Xms256m -Xmx256m -XX:+UseParallelGC -cp "$jar" dev.palisade.benchmarks.load.LoadServer "$variant" "$port" \
    >"$out/$variant.server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    curl -fs -H "$auth" "http://127.0.0.1:$port/api/ping" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$out/$variant.server.log" >&2; exit 1; }
    sleep 0.1
  done
  # Warm-up (until the JIT has mostly settled), then the measured run.
  taskset -c 1 wrk -t1 -c16 -d"${warmup}s" -H "$auth" "http://127.0.0.1:$port/api/ping" >/dev/null
  local t0 t1 served
  t0=$(cpu_ticks "$pid")
  taskset -c 1 wrk -t1 -c16 -d"${seconds}s" -H "$auth" "http://127.0.0.1:$port/api/ping" >"$out/$variant.wrk"
  t1=$(cpu_ticks "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  served=$(awk '/requests in/ {print $1}' "$out/$variant.wrk")
  awk -v a="${t0% *}" -v b="${t1% *}" -v n="$served" -v t="$tck" 'BEGIN {printf "%.2f\n", (b-a)/t*1e6/n}' >>"$out/$variant.cpu"
  awk -v a="${t0#* }" -v b="${t1#* }" -v n="$served" -v t="$tck" 'BEGIN {printf "%.2f\n", (b-a)/t*1e6/n}' >>"$out/$variant.req"
  local rps non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/$variant.wrk")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$out/$variant.wrk")
  [ -z "$non2xx" ] || { echo "$variant answered non-2xx responses: $non2xx" >&2; exit 1; }
  echo "$rps" >>"$out/$variant.rps"
}

for r in $(seq 1 "$rounds"); do
  for v in $variants; do run_variant "$v"; done
done

median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-18s %11s %8s %12s %8s %14s %8s\n' variant "median rps" "vs bare" "CPU us/req" "vs bare" "req-thr us/req" "vs bare"
for v in $variants; do
  m=$(median "$out/$v.rps")
  c=$(median "$out/$v.cpu")
  base=$(median "$out/${v%%-*}-bare.rps" 2>/dev/null || echo "$m")
  cbase=$(median "$out/${v%%-*}-bare.cpu" 2>/dev/null || echo "$c")
  q=$(median "$out/$v.req")
  qbase=$(median "$out/${v%%-*}-bare.req" 2>/dev/null || echo "$q")
  printf '%-18s %11.0f %7.1f%% %12.2f %7.1f%% %14.2f %7.1f%%\n' "$v" "$m" "$(awk -v m="$m" -v b="$base" 'BEGIN {print (m/b-1)*100}')" \
    "$c" "$(awk -v m="$c" -v b="$cbase" 'BEGIN {print (m/b-1)*100}')" \
    "$q" "$(awk -v m="$q" -v b="$qbase" 'BEGIN {print (m/b-1)*100}')"
done
echo "raw results: $out"
