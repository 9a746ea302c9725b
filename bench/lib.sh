# Shared by bench/run and its scenarios. Loopback only; every load is bounded in time.
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
WORK="$BENCH_DIR/work"
RESULTS="$BENCH_DIR/results"
JAR="${JAR_PATH:-$ROOT/target/bulwark.jar}"
# Fixed JVM flags for every server in every scenario, Bulwark and baseline alike.
JVM_FLAGS=${JVM_FLAGS:-"-Xms256m -Xmx256m -XX:+UseG1GC"}
PIDS=()

# ensure_command COMMAND PACKAGE: installs Debian's PACKAGE with apt-get when COMMAND is missing (as root), and stops
# the system service such a package may start (redis-server, nginx): scenarios run their own on loopback ports.
ensure_command() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing $2 with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
    (service "$2" stop >/dev/null 2>&1 || true)
  else
    echo "bench: $1 is missing: apt-get install $2" >&2; exit 1
  fi
}

ensure_tools() {
  ensure_command wrk wrk
  command -v curl >/dev/null 2>&1 || { echo "bench: curl is missing" >&2; exit 1; }
}

ensure_jar() {
  if [ ! -f "$JAR" ]; then
    echo "bench: building $JAR" >&2
    (cd "$ROOT" && mvn -q -B -ntp -DskipTests package)
  fi
  # Run a copy: a build during a long scenario rewrites target/bulwark.jar, and a JVM whose jar changed under it fails
  # to load its next class (seen: NoClassDefFoundError in a 10-minute run).
  mkdir -p "$WORK"
  cp "$JAR" "$WORK/bulwark-under-test.jar"
  JAR="$WORK/bulwark-under-test.jar"
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

# start_bulwark PORT ADMIN_PORT LOG: starts the jar on loopback; its pid is in $STARTED and on the PIDS list. With
# METRICS_PORT set, the Prometheus scrape is served there instead of on the main port (the samplers read it).
start_bulwark() {
  local port=$1 admin=$2 log=$3
  # files.root defaults to "public" under the working directory: without it the server logs a WARN at start, which
  # scenarios that want a log free of WARN lines (connections) would count.
  mkdir -p "$WORK/public"
  # JAVA picks the java; LAUNCHER (bin/bulwark) starts through the launcher instead, with the JAVA, JAVA_OPTS and
  # BULWARK_JAR the caller gives it.
  local launch=("${JAVA:-java}" $JVM_FLAGS -jar "$JAR")
  [ -z "${LAUNCHER:-}" ] || launch=("$LAUNCHER")
  (cd "$WORK" && exec env BULWARK_HTTP_HOST=127.0.0.1 BULWARK_HTTP_PORT="$port" BULWARK_ADMIN_PORT="$admin" \
     BULWARK_HTTP_INSTANCES="${INSTANCES:-2}" BULWARK_ADMIN_TOKEN_FILE="$WORK/admin.token" \
     ${METRICS_PORT:+BULWARK_METRICS_PORT=$METRICS_PORT} "${launch[@]}" ${SERVER_ARGS:-} >"$log" 2>&1) &
  STARTED=$!
  PIDS+=("$STARTED")
}

start_bare() {
  local port=$1 log=$2
  (cd "$WORK" && exec java $JVM_FLAGS -cp "$JAR:$WORK/classes" BareHello "$port" "${INSTANCES:-2}" ${BARE_ARGS:-} >"$log" 2>&1) &
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

# wait_ready URL [tries] [method]: polls every 10 ms until a 200 (to a GET, or to METHOD; https: any
# certificate, they are the bench's own).
wait_ready() {
  local url=$1 tries=${2:-1000} method=${3:-GET}
  for _ in $(seq 1 "$tries"); do
    [ "$(curl -sk -X "$method" -o /dev/null -w '%{http_code}' "$url")" = "200" ] && return 0
    sleep 0.01
  done
  echo "bench: $method $url never answered 200" >&2; return 1
}

ensure_redis() {
  ensure_command redis-server redis-server
}

# start_redis LOG: a redis-server of the bench's own on a free loopback port, no persistence; its port in REDIS_PORT,
# its pid in $STARTED and on the PIDS list.
start_redis() {
  ensure_redis
  REDIS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$1" 2>&1 &
  STARTED=$!
  PIDS+=("$STARTED")
}

ensure_nginx() {
  ensure_command nginx nginx
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

# cpu_ticks PID: the CPU time the process has used so far (user + system, all threads), in clock ticks (CLK_TCK).
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# cpu_ns_per_request TICKS_BEFORE TICKS_AFTER WRK_OUTFILE: CPU nanoseconds the server spent per request of that run.
cpu_ns_per_request() {
  local n
  n=$(awk '/requests in/ {print $1}' "$3")
  awk -v a="$1" -v b="$2" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) * 1e9 / hz / n }'
}

# run_h2load URL SECONDS OUTFILE: one measured HTTP/2 run (h2c for http://, h2 by ALPN for https://) with
# -c WRK_CONNECTIONS connections of -m H2_STREAMS streams each; prints "reqs mean_us" (h2load has no percentiles).
run_h2load() {
  local url=$1 secs=$2 out=$3
  h2load -t"${WRK_THREADS:-1}" -c"${WRK_CONNECTIONS:-32}" -m"${H2_STREAMS:-10}" -D "$secs" "$url" >"$out" 2>&1
  local rps mean protocol
  rps=$(awk '/^finished in/ {print $4}' "$out")
  mean=$(awk '/^time for request:/ {print $6}' "$out")
  protocol=$(awk '/^Application protocol:/ {print $3}' "$out")
  case "$protocol" in
    h2|h2c) ;;
    *) echo "bench: h2load on $url spoke \"$protocol\", not HTTP/2: see $out" >&2 ;;
  esac
  echo "${rps%.*} $(to_us "$mean")"
}

# make_cert DIR: a self-signed EC P-256 certificate for 127.0.0.1 and localhost, DIR/cert.pem and DIR/key.pem
# (PKCS#8), made once; bench use only (the tests make theirs with the JDK's keytool).
make_cert() {
  mkdir -p "$1"
  [ -f "$1/cert.pem" ] && [ -f "$1/key.pem" ] && return 0
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null
}

median() {
  sort -n | awk '{a[NR] = $1} END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# spread [FORMAT]: "min-max" of the numbers on stdin, one a line; FORMAT is printf's for the two (default %s-%s).
spread() {
  sort -n | awk -v f="${1:-%s-%s}" 'NR == 1 { lo = $1 } { hi = $1 } END { printf f, lo, hi }'
}

machine_header() {
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr)"
  echo "- JVM: $(java -version 2>&1 | head -1)"
  echo "- JVM flags (every server): \`$JVM_FLAGS\`"
  echo "- commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
}

# stop_server PID: stops one server this script started, waits for it, and drops it from the PIDS list.
stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget_pid "$1"
}

# forget_pid PID: drops a process that has exited from the PIDS list, so the EXIT trap never signals its reused pid.
forget_pid() {
  local kept=() p
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && [ "$p" != "$1" ] && kept+=("$p")
  done
  PIDS=("${kept[@]:-}")
}

# eden_sample PID: "EC_KiB EU_KiB YGC FGC" from `jstat -gc PID` (columns found by their header names).
eden_sample() {
  jstat -gc "$1" | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    NR == 2 { if (!("EC" in col) || !("EU" in col) || !("YGC" in col) || !("FGC" in col)) exit 1;
              print $col["EC"], $col["EU"], $col["YGC"], $col["FGC"]; ok = 1 }
    END { if (!ok) exit 1 }'
}

# alloc_window PID SECONDS [URL OUTFILE]: bytes the JVM allocated over one window, read from eden (meant for
# -XX:+UseSerialGC -XX:-UseTLAB and a fixed young gen, where eden's used figure moves by exactly what is allocated).
# `jcmd PID GC.run` empties eden and 1 s is left to settle; then eden is read, wrk runs on URL for SECONDS with the
# overhead settings (or nothing runs, for SECONDS: the idle baseline), 1 s is left for connections to close, and eden
# is read again. Young GCs in between each emptied a full eden (a GC is triggered when an allocation no longer fits,
# which with TLABs off leaves less than that one allocation unused), so:
#   bytes = (EU_after - EU_before + young GCs x EC) x 1024.
# Prints "bytes requests young_gcs full_gcs window_ms non2xx socket_errors"; requests are wrk's "N requests in".
alloc_window() {
  local pid=$1 secs=$2 url=${3:-} out=${4:-/dev/null}
  local ec0 eu0 ygc0 fgc0 ec1 eu1 ygc1 fgc1 t0 t1 reqs=0 non2xx=0 errs=0
  jcmd "$pid" GC.run >/dev/null
  sleep 1
  read -r ec0 eu0 ygc0 fgc0 < <(eden_sample "$pid") || { echo "bench: jstat -gc $pid failed" >&2; return 1; }
  t0=$(date +%s%N)
  if [ -n "$url" ]; then
    run_wrk "$url" "$secs" "$out" >/dev/null
    reqs=$(awk '/ requests in / {print $1}' "$out")
    non2xx=$(awk '/^ *Non-2xx or 3xx responses:/ {print $NF}' "$out")
    errs=$(awk '/^ *Socket errors:/ { n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i; print n }' "$out")
  else
    sleep "$secs"
  fi
  sleep 1
  read -r ec1 eu1 ygc1 fgc1 < <(eden_sample "$pid") || { echo "bench: jstat -gc $pid failed" >&2; return 1; }
  t1=$(date +%s%N)
  if [ "$ec0" != "$ec1" ]; then
    echo "bench: eden capacity of $pid changed ($ec0 -> $ec1 KiB): fix the young gen size (-Xmn, -Xms = -Xmx)" >&2
  fi
  awk -v ec="$ec0" -v eu0="$eu0" -v eu1="$eu1" -v y0="$ygc0" -v y1="$ygc1" -v f0="$fgc0" -v f1="$fgc1" \
      -v reqs="${reqs:-0}" -v ms="$(( (t1 - t0) / 1000000 ))" -v n2="${non2xx:-0}" -v se="${errs:-0}" \
    'BEGIN { printf "%.0f %d %d %d %d %d %d\n", (eu1 - eu0 + (y1 - y0) * ec) * 1024, reqs, y1 - y0, f1 - f0, ms, n2, se }'
}

# ensure_ports_free PORT...: fails if anything already answers on one of them on loopback (another run of a bench
# would otherwise be measured in place of ours, since wait_ready only sees that something answers).
ensure_ports_free() {
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "bench: port $port is already in use on 127.0.0.1 (another bench running?)" >&2; return 1
    fi
  done
}

# ensure_alive PID NAME: fails if a server we started has exited (e.g. it could not bind its port).
ensure_alive() {
  kill -0 "$1" 2>/dev/null || { echo "bench: $2 (pid $1) has exited: see its log in $WORK" >&2; return 1; }
}

# status_lua FILE METHOD [BODY_MATCH]: a wrk script sending METHOD that counts 200s, 503s (only those whose body holds
# BODY_MATCH, when given) and any other status, and prints "STATUS ok unavailable other" when done.
status_lua() {
  cat >"$1" <<LUA
wrk.method = "$2"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; unavailable = 0; other = 0 end
function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 503 and body:find("${3:-}", 1, true) then unavailable = unavailable + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local o, u, x = 0, 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); u = u + t:get("unavailable"); x = x + t:get("other") end
  io.write(string.format("STATUS %d %d %d\n", o, u, x))
end
LUA
}

# --- Samples: heap, old gen, pressure, scope resources and request rate once a second while a soak or flood runs ---
# The sampler reads /admin/status (admin port and token of the server start_admin_bulwark started last) and sums
# http_server_responses_total from the Prometheus scrape on METRICS_PORT, a scrape server apart from the main port
# (set METRICS_PORT before start_admin_bulwark), so that sampling opens no connection on the port under test.
SAMPLER=""
SAMPLES=""
SAMPLES_T0=""

# start_sampler NAME SECONDS [PHASE]: appends a row a second to $WORK/NAME-samples.tsv for at most SECONDS (a bound
# in case the scenario never stops it); pid in SAMPLER and on the PIDS list. A later call with the same NAME (one
# server per phase) appends, its time counted on from the first call. The rows are labelled PHASE (sample_phase).
start_sampler() {
  local name=$1 secs=$2
  ensure_command gnuplot gnuplot-nox
  if [ "$SAMPLES" != "$WORK/$name-samples.tsv" ]; then
    SAMPLES="$WORK/$name-samples.tsv"
    SAMPLES_T0=$(date +%s%N)
    printf 't_s\tphase\theap_used_mib\told_gen_after_gc_mib\theap_after_gc_mib\televated_mib\tcritical_mib' >"$SAMPLES"
    printf '\tpressure\toutstanding\topen_scopes\treq_per_s\tshed_per_s\n' >>"$SAMPLES"
  fi
  rm -f "$WORK/sampler-state.json"
  sample_phase "${3:--}"
  sample_loop "$secs" >>"$SAMPLES" 2>>"$WORK/$name-sampler.log" &
  SAMPLER=$!
  PIDS+=("$SAMPLER")
}

# sample_phase LABEL: labels the rows from the next sample on (no spaces); plot_samples marks where a label starts.
sample_phase() {
  echo "$1" >"$WORK/sampler-phase"
}

# stop_sampler: ends the sampler after the row it is writing.
stop_sampler() {
  [ -n "$SAMPLER" ] || return 0
  stop_server "$SAMPLER"
  SAMPLER=""
}

# sample_loop SECONDS: the sampler's rows (bench/plot/sample_row.py). Runs as a background job: errexit is off, and
# a sample that misses (curl's 0.9 s timeout, the server busy or gone) is a row of "-", never a failure.
sample_loop() {
  set +e +o pipefail
  trap 'exit 0' TERM  # bash runs it once the current child is done, so no row is cut in half
  local deadline next now fractions="" requests auth="Authorization: Bearer $ADMIN_TOKEN"
  local status="$WORK/sampler-status.json" admin="http://127.0.0.1:$ADMIN_PORT"
  now=$(( $(date +%s%N) / 1000000 )); deadline=$((now + $1 * 1000)); next=$now
  while [ "$now" -lt "$deadline" ]; do
    [ -n "$fractions" ] || fractions=$(curl -s -m 0.9 -H "$auth" "$admin/admin/config" | python3 -c \
      'import json,sys; h=json.load(sys.stdin)["config"]["memory"]["heap"]; print(h["elevated"], h["critical"])')
    curl -s -m 0.9 -H "$auth" -o "$status" "$admin/admin/status" || rm -f "$status" &
    requests=$(curl -s -m 0.9 "http://127.0.0.1:${METRICS_PORT:-0}/metrics" \
      | awk '/^http_server_responses_total\{/ { s += $NF; n++ } END { if (n) printf "%.0f", s }')
    wait
    python3 "$BENCH_DIR/plot/sample_row.py" "$(awk -v a="$SAMPLES_T0" -v b="$(date +%s%N)" 'BEGIN { print (b - a) / 1e9 }')" \
      "$(cat "$WORK/sampler-phase" 2>/dev/null)" "$status" "$requests" "$WORK/sampler-state.json" ${fractions:-- -}
    next=$((next + 1000)); now=$(( $(date +%s%N) / 1000000 ))
    [ "$next" -gt "$now" ] && sleep "$(awk -v ms=$((next - now)) 'BEGIN { printf "%.3f", ms / 1000 }')"
    now=$(( $(date +%s%N) / 1000000 ))
  done
}

# plot_samples NAME TITLE: draws $WORK/NAME-samples.tsv into $WORK/NAME.png (bench/plot/samples.gp); bench/run copies
# both into bench/results/. A plot that fails says so on stderr and never fails the scenario.
plot_samples() {
  local data="$WORK/$1-samples.tsv" marks="$WORK/$1-phases.gp"
  # A dotted line and the label where each phase starts; labels alternate between two heights (phases can be 1 s apart).
  awk -F'\t' 'NR > 1 && $2 != last && $2 != "-" { printf "set arrow from %s, graph 0 to %s, graph 1 nohead dt 3 lc rgb \"gray40\"\n", $1, $1;
      printf "set label \"%s\" at %s, graph %s offset 0.5, 0 font \",9\" tc rgb \"gray30\"\n", $2, $1, n++ % 2 ? 0.87 : 0.95 }
      { last = $2 }' "$data" >"$marks"
  # In a gnuplot single-quoted string a quote is doubled: titles such as "the lab's leaks" must not end it.
  local title=${2//\'/\'\'}
  gnuplot -e "datafile='$data'; outfile='$WORK/$1.png'; plottitle='$title'; marks='$marks'" "$BENCH_DIR/plot/samples.gp" \
    2>"$WORK/$1-gnuplot.log" \
    || { rm -f "$WORK/$1.png"; echo "bench: gnuplot failed to draw $1.png: see $WORK/$1-gnuplot.log" >&2; }
}

# samples_section NAME: the markdown under a scenario's tables: its plot and what the samples file holds.
samples_section() {
  echo "![$1]($1.png)"
  echo
  echo "Samples, one a second (\`$1-samples.tsv\`, tab-separated, \"-\" where a sample missed): \`t_s\` seconds since the" \
    "sampler started, \`phase\`, \`heap_used_mib\` (\`memory.heapUsed\`), \`old_gen_after_gc_mib\`" \
    "(\`memory.oldGenAfterLastGc\`), \`heap_after_gc_mib\` (\`pressure.signals.heapAfterGc\`, the figure the pressure" \
    "levels compare), \`elevated_mib\` / \`critical_mib\` (\`memory.heap.elevated\` / \`critical\` x heap max)," \
    "\`pressure\` (0 NORMAL, 1 ELEVATED, 2 CRITICAL), \`outstanding\` (request-scope resources: \`scopes.outstanding\`" \
    "summed), \`open_scopes\`, \`req_per_s\` (\`http_server_responses_total\` summed, per second) and \`shed_per_s\`" \
    "(\`pressure.shedCount\`, per second)."
}
