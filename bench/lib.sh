# Shared by bench/run and its scenarios. Loopback only; every load is bounded in time.
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
WORK="$BENCH_DIR/work"
RESULTS="$BENCH_DIR/results"
JAR="${JAR_PATH:-$ROOT/target/bulwark.jar}"
# Fixed JVM flags for every server in every scenario, Bulwark and baseline alike.
JVM_FLAGS=${JVM_FLAGS:-"-Xms256m -Xmx256m -XX:+UseG1GC"}
PIDS=()

ensure_tools() {
  if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "bench: installing wrk with apt-get" >&2
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    else
      echo "bench: wrk is missing: apt-get install wrk" >&2; exit 1
    fi
  fi
  command -v curl >/dev/null 2>&1 || { echo "bench: curl is missing" >&2; exit 1; }
}

ensure_jar() {
  if [ ! -f "$JAR" ]; then
    echo "bench: building $JAR" >&2
    (cd "$ROOT" && mvn -q -B -ntp -DskipTests package)
  fi
}

ensure_baseline() {
  mkdir -p "$WORK/classes"
  if [ ! -f "$WORK/classes/BareHello.class" ] || [ "$BENCH_DIR/baseline/BareHello.java" -nt "$WORK/classes/BareHello.class" ]; then
    javac -nowarn -cp "$JAR" -d "$WORK/classes" "$BENCH_DIR/baseline/BareHello.java"
  fi
}

cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# start_bulwark PORT ADMIN_PORT LOG: starts the jar on loopback; its pid is in $STARTED and on the PIDS list.
start_bulwark() {
  local port=$1 admin=$2 log=$3
  (cd "$WORK" && exec env BULWARK_HTTP_HOST=127.0.0.1 BULWARK_HTTP_PORT="$port" BULWARK_ADMIN_PORT="$admin" \
     BULWARK_HTTP_INSTANCES="${INSTANCES:-2}" BULWARK_ADMIN_TOKEN_FILE="$WORK/admin.token" \
     java $JVM_FLAGS -jar "$JAR" ${SERVER_ARGS:-} >"$log" 2>&1) &
  STARTED=$!
  PIDS+=("$STARTED")
}

start_bare() {
  local port=$1 log=$2
  (cd "$WORK" && exec java $JVM_FLAGS -cp "$JAR:$WORK/classes" BareHello "$port" "${INSTANCES:-2}" >"$log" 2>&1) &
  STARTED=$!
  PIDS+=("$STARTED")
}

# admin_status TOKEN ADMIN_PORT: the /admin/status document.
admin_status() {
  curl -s -H "Authorization: Bearer $1" "http://127.0.0.1:$2/admin/status"
}

# start_admin_bulwark PORT ADMIN_PORT LOG: Bulwark with a fresh admin token, ready on /hello; pid in $STARTED.
# Settings of a scenario's own go as environment assignments on the call (BULWARK_LAB_ENABLED=true start_...).
start_admin_bulwark() {
  ADMIN_PORT=$2
  ADMIN_TOKEN="bench-token-$(date +%s%N)"
  BULWARK_ADMIN_TOKEN=$ADMIN_TOKEN start_bulwark "$1" "$2" "$3"
  wait_ready "http://127.0.0.1:$1/hello"
}

# bench_status: the /admin/status document of the server start_admin_bulwark started.
bench_status() {
  admin_status "$ADMIN_TOKEN" "$ADMIN_PORT"
}

# wait_ready URL [tries]: polls every 10 ms until a 200.
wait_ready() {
  local url=$1 tries=${2:-1000}
  for _ in $(seq 1 "$tries"); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = "200" ] && return 0
    sleep 0.01
  done
  echo "bench: $url never answered 200" >&2; return 1
}

# to_us VALUE: wrk latency (12.3us, 1.2ms, 1.1s) in microseconds.
to_us() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "ms") n *= 1000; else if (u == "s") n *= 1000000; else if (u == "m") n *= 60000000;
    printf "%.0f", n }'
}

# run_wrk URL SECONDS OUTFILE: one measured run; prints "reqs p50us p99us".
run_wrk() {
  local url=$1 secs=$2 out=$3
  wrk -t"${WRK_THREADS:-1}" -c"${WRK_CONNECTIONS:-32}" -d"${secs}s" --latency "$url" >"$out" 2>&1
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  echo "${rps%.*} $(to_us "$p50") $(to_us "$p99")"
}

median() {
  sort -n | awk '{a[NR] = $1} END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

machine_header() {
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr)"
  echo "- JVM: $(java -version 2>&1 | head -1)"
  echo "- JVM flags (every server): \`$JVM_FLAGS\`"
  echo "- commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
}
