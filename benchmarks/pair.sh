# Shared by paired.sh and profile.sh (sourced, not run): starts bare Jetty (or Tomcat) and one
# variant at the same time, both pinned to CPU 0, and waits until both answer.
# Needs: variant, base. Sets: jar, auth, endpoint, out, pb, pv (the two servers' process ids).
# SERVER_OPTS: extra JVM options for both servers; VARIANT_OPTS: for the variant only,
# e.g. -Dpalisade.omit=apiKeyAuth. Servers listen on 127.0.0.1:18091 (bare) and :18092 (variant).
jar=benchmarks/target/benchmarks.jar
auth="Authorization: Bearer load-test-token-0123456789abcdef"
# ENDPOINT: what wrk asks for; /api/ping (2 bytes, the default) or /api/events (a page of JSON).
endpoint=${ENDPOINT:-/api/ping}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
[ -f "$jar" ] || { echo "build first: mvn -B -q -DskipTests install" >&2; exit 2; }
out=$(mktemp -d)

start_server() {
  local opts="${SERVER_OPTS:-}"
  [ "$1" = "$base" ] || opts="$opts ${VARIANT_OPTS:-}"
  # shellcheck disable=SC2086
  taskset -c 0 java -Xms256m -Xmx256m -XX:+UseParallelGC $opts -cp "$jar" dev.palisade.benchmarks.load.LoadServer "$1" "$2" \
    >"$out/$1.server.log" 2>&1 &
  echo $!
}

wait_up() {
  for _ in $(seq 1 150); do
    curl -fs -H "$auth" "http://127.0.0.1:$1/api/ping" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2
  return 1
}

pb=$(start_server "$base" 18091)
pv=$(start_server "$variant" 18092)
trap 'kill $pb $pv 2>/dev/null || true' EXIT
wait_up 18091
wait_up 18092
