# shutdown: SIGTERM in the middle of a load, as an orchestrator sends it on every deploy. wrk on GET /demo/slow?ms=200
# with 64 connections, and beside it bench/load/ShutdownClient (16 connections on the same route) that sorts every
# attempt exactly; SIGNAL_AFTER_MS in, SIGTERM; meanwhile a poller reads /health/ready every 20 ms. The server has
# shutdown.readinessGrace 1s (readiness DOWN, still serving) and shutdown.timeout 10s. Twice: without Redis, then with a
# redis-server started here (installed with apt-get when missing) and ShutdownClient on POST /db/counters/x/incr (the
# Redis pool) throughout as well.
# Bars (the verdict, per mode): every answer a 200 (no 503 backend_unavailable, no other status), no answer cut short,
# readiness 503 draining seen after SIGTERM and before the port refused connections, exit 0 with the server's "every
# request in progress finished", no ERROR line and no WARN about the shutdown.
# Knobs (env): CONNECTIONS (64), CLIENT_CONNECTIONS (16), REDIS_CONNECTIONS (8), WRK_SECONDS (4),
# SIGNAL_AFTER_MS (1500), GRACE (1s), TIMEOUT (10s), SLOW_MS (200), MODES (plain redis), INSTANCES (2).
run_scenario() {
  local conns=${CONNECTIONS:-64} cconns=${CLIENT_CONNECTIONS:-16} rconns=${REDIS_CONNECTIONS:-8}
  local secs=${WRK_SECONDS:-4} after=${SIGNAL_AFTER_MS:-1500} grace=${GRACE:-1s} timeout=${TIMEOUT:-10s}
  local slow=${SLOW_MS:-200} modes=${MODES:-plain redis} port=18096 aport=19096 mode
  SHUTDOWN_LOADS=""
  SHUTDOWN_MODES=""
  ensure_ports_free $port $aport
  status_lua "$WORK/shutdown.lua" GET backend_unavailable
  mkdir -p "$WORK/classes"
  javac -nowarn -d "$WORK/classes" "$BENCH_DIR/load/ShutdownClient.java"
  for mode in $modes; do
    shutdown_round "$mode" # not in a subshell: the EXIT trap must see what it starts
  done
  echo "# shutdown: SIGTERM under load"
  echo
  machine_header
  echo "- command: \`CONNECTIONS=$conns CLIENT_CONNECTIONS=$cconns REDIS_CONNECTIONS=$rconns WRK_SECONDS=$secs SIGNAL_AFTER_MS=$after GRACE=$grace TIMEOUT=$timeout SLOW_MS=$slow MODES=\"$modes\" bench/run shutdown\`"
  echo "- server: \`java $JVM_FLAGS -jar target/bulwark.jar --config shutdown.json\`, ${INSTANCES:-2} event loops, \`shutdown.readinessGrace: $grace\`, \`shutdown.timeout: $timeout\` (redis mode: plus \`redis.url\`)"
  echo "- load: \`wrk -t1 -c$conns -d${secs}s -s shutdown.lua http://127.0.0.1:$port/demo/slow?ms=$slow\` and \`java ShutdownClient $port GET /demo/slow?ms=$slow $cconns $secs\`; redis mode also \`java ShutdownClient $port POST /db/counters/x/incr $rconns $secs\`; SIGTERM (\`kill -TERM\`) ${after} ms after the load starts; \`curl /health/ready\` every 20 ms"
  echo
  echo "| mode | exit | SIGTERM to exit | readiness 200 / 503 draining / refused | first 503 after SIGTERM | port refused after SIGTERM | server log | verdict |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$SHUTDOWN_MODES"
  echo
  echo "| mode | load | route | 200 | 503 backend_unavailable | other status | refused | closed before any answer byte | cut mid-answer | wrk socket errors connect / read / write / timeout |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$SHUTDOWN_LOADS"
  echo
  echo "wrk on Linux counts a refused connection as a \`write\` error (its non-blocking connect succeeds, the write then"
  echo "fails), and an answer cut short and a connection closed before any byte alike as \`read\` errors, so ShutdownClient"
  echo "sorts each attempt itself. \"Closed before any answer byte\" is a connection the server closed with the request"
  echo "unread: accepted in the instant the port closed (Vert.x 5.0 closes it at once), or opened with its request still"
  echo "unread when the drain began (Vert.x drops it and closes the connection); HTTP lets a client retry such a request"
  echo "(RFC 9110 9.2.2), and no route ran it. A request a route had started is answered, or, past the timeout, named in a"
  echo "WARN line with exit status 1: the server's \"every request in progress finished\" and exit 0 say none was cut."
}

# shutdown_round MODE: one server, its load, its SIGTERM; adds its rows to SHUTDOWN_MODES and SHUTDOWN_LOADS.
shutdown_round() {
  local mode=$1 redis_pid="" log="$WORK/shutdown-$1.log" loads=("slow") pids=() load
  local cfg="{\"shutdown\": {\"readinessGrace\": \"$grace\", \"timeout\": \"$timeout\"}, \"files\": {\"root\": \"$WORK\"}"
  if [ "$mode" = redis ]; then
    start_redis "$WORK/shutdown-redis-server.log"
    redis_pid=$STARTED
    cfg+=", \"redis\": {\"url\": \"redis://127.0.0.1:$REDIS_PORT\"}"
    loads+=("incr")
  fi
  echo "$cfg}" >"$WORK/shutdown.json"
  SERVER_ARGS="--config $WORK/shutdown.json" start_bulwark $port $aport "$log"
  local pid=$STARTED
  wait_ready "http://127.0.0.1:$port/hello"
  [ -z "$redis_pid" ] || wait_ready "http://127.0.0.1:$port/db/counters/x/incr" 1000 POST
  wrk -t1 -c"$conns" -d"${secs}s" -s "$WORK/shutdown.lua" "http://127.0.0.1:$port/demo/slow?ms=$slow" \
    >"$WORK/shutdown-$mode-wrk.txt" 2>&1 &
  pids+=($!)
  java -cp "$WORK/classes" ShutdownClient $port GET "/demo/slow?ms=$slow" "$cconns" "$secs" \
    >"$WORK/shutdown-$mode-slow.json" 2>&1 &
  pids+=($!)
  if [ -n "$redis_pid" ]; then
    java -cp "$WORK/classes" ShutdownClient $port POST /db/counters/x/incr "$rconns" "$secs" \
      >"$WORK/shutdown-$mode-incr.json" 2>&1 &
    pids+=($!)
  fi
  poll_ready "http://127.0.0.1:$port/health/ready" "$pid" >"$WORK/shutdown-$mode-ready.txt" &
  pids+=($!)
  sleep "$(awk -v ms="$after" 'BEGIN { printf "%.3f", ms / 1000 }')"
  local tsig texit status=0
  tsig=$(date +%s%N)
  kill -TERM "$pid"
  wait "$pid" || status=$?
  texit=$(date +%s%N)
  forget_pid "$pid"
  for p in "${pids[@]}"; do wait "$p" || true; done
  [ -z "$redis_pid" ] || stop_server "$redis_pid"
  shutdown_rows "$mode" "$log" "$status" "$(( (texit - tsig) / 1000000 ))" "$tsig" "${loads[@]}"
}

# shutdown_rows MODE LOG STATUS MS TSIG LOAD...: the mode's row (with its verdict) and one row per load.
shutdown_rows() {
  local mode=$1 log=$2 status=$3 ms=$4 tsig=$5 load bad=0 ready logv
  shift 5
  SHUTDOWN_LOADS+=$(awk -v mode="$mode" -v slow="$slow" '/^STATUS/ { ok = $2; bu = $3; other = $4 }
    /Socket errors:/ { gsub(",", ""); c = $4; r = $6; w = $8; t = $10 }
    END { printf "| %s | wrk | /demo/slow?ms=%s | %d | %d | %d | - | - | - | %d / %d / %d / %d |\n",
          mode, slow, ok, bu, other, c, r, w, t }' "$WORK/shutdown-$mode-wrk.txt")$'\n'
  [ "$(awk '/^STATUS/ { print $3 + $4 }' "$WORK/shutdown-$mode-wrk.txt")" = "0" ] || bad=1
  for load in "$@"; do
    local json="$WORK/shutdown-$mode-$load.json" route
    route=$([ "$load" = incr ] && echo "POST /db/counters/x/incr" || echo "/demo/slow?ms=$slow")
    SHUTDOWN_LOADS+=$(python3 - "$json" "$mode" "$route" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
print("| %s | ShutdownClient | %s | %d | %d | %d | %d | %d | %d | - |" % (sys.argv[2], sys.argv[3], c["ok"],
      c["backendUnavailable"], c["otherStatus"], c["refused"], c["noAnswer"], c["cut"]))
PY
)$'\n'
    python3 -c 'import json, sys; c = json.load(open(sys.argv[1]));
sys.exit(0 if c["ok"] > 0 and c["backendUnavailable"] + c["otherStatus"] + c["cut"] == 0 else 1)' "$json" || bad=1
  done
  ready=$(awk -v sig="$tsig" '
    $2 == "200" { up++ } $2 == "503" && $0 ~ /draining/ { down++; if (!first) first = ($1 - sig) / 1e6 }
    $2 == "000" { refused++; if (!gone) gone = ($1 - sig) / 1e6 }
    END { printf "%d / %d / %d | %s | %s", up, down, refused, first ? sprintf("%.0f ms", first) : "never",
          gone ? sprintf("%.0f ms", gone) : "never";
          exit !(first && (!gone || first < gone)) }' "$WORK/shutdown-$mode-ready.txt") || bad=1
  logv=$(awk '/ ERROR / { e++ } / WARN / { w++; if (/Shutdown timeout|[Ss]ignal|did not finish/) s++ }
    /every request in progress finished/ { d = 1 }
    END { printf "%d ERROR, %d WARN (%d about the shutdown), %s", e, w, s, d ? "drained" : "NOT drained";
          exit !(e == 0 && s == 0 && d) }' "$log") || bad=1
  [ "$status" = 0 ] || bad=1
  SHUTDOWN_MODES+="| $mode | $status | $ms ms | $ready | $logv | $([ $bad = 0 ] && echo PASS || echo FAIL) |"$'\n'
}

# poll_ready URL PID: "nanos status body" every 20 ms while PID lives (status 000: refused).
poll_ready() {
  local url=$1 pid=$2 body code
  while kill -0 "$pid" 2>/dev/null; do
    body=$(curl -s --max-time 1 -w ' %{http_code}' "$url" 2>/dev/null) || true
    code=${body##* }
    echo "$(date +%s%N) ${code:-000} ${body% *}"
    sleep 0.02
  done
}
