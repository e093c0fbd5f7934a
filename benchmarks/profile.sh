#!/usr/bin/env bash
# Where a variant's extra CPU per request goes: starts bare Jetty (or Tomcat) and the variant at the
# same time, both pinned to CPU 0, loads both with wrk pinned to CPU 1 (as paired.sh does), and after
# the warm-up profiles both servers over the same window with async-profiler (CPU samples, per
# thread). Prints, per category, each server's samples per request as a share of bare's cost per
# request, and the difference:
#   filters   the chain's members, with the container calls they make (Palisade frames, outside the
#             servlet), and the SHA-256 of the bearer token
#   (ENDPOINT=/api/events profiles the JSON endpoint instead of /api/ping: see pair.sh)
#   fields    encoding the response's header fields (Jetty's HttpGenerator, Tomcat's Http11OutputBuffer)
#   write     the kernel's writev/tcp_sendmsg (bytes on the wire: the fields are most of them)
#   read      the kernel's reads
#   client    on loopback, the kernel delivers each response to wrk inside the server's write: the
#             client's TCP receive and its wake-up (softirq frames). A real network does that on the
#             client's host, so the last line leaves it out of both servers' totals.
#   wake-ups  LockSupport.unpark / futex (threads handing work to each other; varies with timing)
#   other     the rest of the JVM, the container and the kernel
# JIT compiler and GC threads are left out, as in paired.sh. The collapsed stacks are kept for a
# closer look (e.g. with async-profiler's converter, or grep).
#
# Usage: benchmarks/profile.sh [variant] [seconds]     e.g. profile.sh jetty-palisade 40
#        (build first: mvn -B -q -DskipTests install). Targets 127.0.0.1 only; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
variant=${1:-jetty-palisade}
seconds=${2:-40}
warmup=${WARMUP:-45}
base="${variant%%-*}-bare"
SERVER_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"   # samples between safepoints land on the right line
# shellcheck source=benchmarks/pair.sh
. benchmarks/pair.sh

load_both() {
  taskset -c 1 wrk -t1 -c16 -d"$1s" -H "$auth" http://127.0.0.1:18091$endpoint >"$out/bare.wrk" &
  local wb=$!
  taskset -c 1 wrk -t1 -c16 -d"$1s" -H "$auth" http://127.0.0.1:18092$endpoint >"$out/variant.wrk" &
  local wv=$!
  wait $wb $wv
}

profiler() {
  java -cp "$jar" dev.palisade.benchmarks.load.AttachProfiler "$1" "$2" >>"$out/profiler.log" 2>&1
}

load_both "$warmup"
profiler "$pb" start,event=cpu,interval=100000,threads
profiler "$pv" start,event=cpu,interval=100000,threads
load_both "$seconds"
profiler "$pb" "stop,file=$out/bare.collapsed,collapsed"
profiler "$pv" "stop,file=$out/variant.collapsed,collapsed"
for f in "$out/bare.wrk" "$out/variant.wrk"; do
  ! grep -q Non-2xx "$f" || { echo "non-2xx answers in $f" >&2; exit 1; }
done
nb=$(awk '/requests in/ {print $1}' "$out/bare.wrk")
nv=$(awk '/requests in/ {print $1}' "$out/variant.wrk")

# Samples per category of one profile (collapsed stacks: "thread;frame;...;frame count").
categorise() {
  awk '
    { n = $NF; stack = substr($0, 1, length($0) - length(n) - 1)
      split(stack, f, ";")
      if (f[1] ~ /C1 Comp|C2 Comp|GC Thread|VM Thread/) next
      # SHA-256 runs as a compiler stub whose samples lose their Java callers: the token hash.
      if ((stack ~ /dev\/palisade\/filters\// && stack !~ /benchmarks\/load\/LoadServer\$/) || stack ~ /sha256_implCompress/) c = "filters"
      else if (stack ~ /net_rx_action|do_softirq/) c = "client"
      else if (stack ~ /LockSupport\.unpark|futex/) c = "wake-ups"
      else if (stack ~ /writev|tcp_sendmsg/) c = "write"
      else if (stack ~ /HttpGenerator|Http11OutputBuffer/) c = "fields"
      else if (stack ~ /read/ && f[length(f)] ~ /_\[k\]$/) c = "read"
      else c = "other"
      s[c] += n; total += n }
    END { for (c in s) print c, s[c]; print "total", total }' "$1"
}

echo "requests in the same $seconds s window: $base $nb, $variant $nv"
echo "samples per request, as a share of $base's:"
awk -v nb="$nb" -v nv="$nv" '
  FNR == NR { b[$1] = $2; next }
  { v[$1] = $2 }
  END {
    per = b["total"] / nb
    printf "%-10s %9s %9s %8s\n", "category", "bare", "variant", "diff"
    n = split("filters fields write client read wake-ups other total", order, " ")
    for (i = 1; i <= n; i++) {
      c = order[i]; bb = b[c] / nb / per * 100; vv = v[c] / nv / per * 100
      printf "%-10s %8.1f%% %8.1f%% %+7.1f%%\n", c, bb, vv, vv - bb
    }
    own_b = (b["total"] - b["client"]) / nb; own_v = (v["total"] - v["client"]) / nv
    printf "total without client (done on the client host on a real network) %+.1f%%\n", (own_v / own_b - 1) * 100
  }' <(categorise "$out/bare.collapsed") <(categorise "$out/variant.collapsed")
echo "collapsed stacks: $out/bare.collapsed $out/variant.collapsed"
