# pool: 256 wrk connections POSTing /db/counters/x/incr through Bulwark's Redis pool (pool.maxSize 8,
# pool.maxWaiting 64) against the same route written with vertx-redis-client's own pool (maxPoolSize 8,
# maxPoolWaiting 64; bench/baseline/RedisPoolBaseline.java), alternated, on one real redis-server started here.
# Bars: no 500s; the counter at the end equals the number of 200 answers (nothing lost or counted twice); Bulwark's
# req/s >= 0.9 of the baseline's (median of per-round ratios). Knobs (env): ROUNDS (3), SECONDS_PER_RUN (10),
# WARMUP_SECONDS (5), CONNECTIONS (256), WRK_THREADS (2), MAX_SIZE (8), MAX_WAITING (64), INSTANCES (2).
run_scenario() {
  local rounds=${ROUNDS:-3} secs=${SECONDS_PER_RUN:-10} warm=${WARMUP_SECONDS:-5} conns=${CONNECTIONS:-256}
  local threads=${WRK_THREADS:-2} max=${MAX_SIZE:-8} waiting=${MAX_WAITING:-64}
  local bport=18094 aport=19094 rport=18095 redis_port
  start_redis "$WORK/pool-redis.log"
  redis_port=$REDIS_PORT
  local redis_pid=$STARTED
  ensure_baseline
  javac -nowarn -cp "$JAR" -d "$WORK/classes" "$BENCH_DIR/baseline/RedisPoolBaseline.java"
  status_lua "$WORK/pool.lua" POST
  echo "{\"redis\": {\"url\": \"redis://127.0.0.1:$redis_port\"}, \"pool\": {\"maxSize\": $max, \"maxWaiting\": $waiting}}" \
    >"$WORK/pool.json"
  SERVER_ARGS="--config $WORK/pool.json" start_bulwark $bport $aport "$WORK/pool-bulwark.log"
  local bpid=$STARTED
  (cd "$WORK" && exec java $JVM_FLAGS -cp "$JAR:$WORK/classes" RedisPoolBaseline $rport "${INSTANCES:-2}" \
    "redis://127.0.0.1:$redis_port" "$max" "$waiting" >"$WORK/pool-baseline.log" 2>&1) &
  PIDS+=("$!")
  local rpid=$!
  wait_ready "http://127.0.0.1:$bport/hello"
  sleep 1
  pool_run() { # NAME PORT SECS OUT: one wrk run on a fresh counter; prints "rps p50 p99 ok unavailable other counter"
    redis-cli -p "$redis_port" DEL "bench:counter:x" "bulwark:counter:x" >/dev/null
    wrk -t"$threads" -c"$conns" -d"${3}s" --latency -s "$WORK/pool.lua" "http://127.0.0.1:$2/db/counters/x/incr" >"$4" 2>&1
    local counter
    counter=$(redis-cli -p "$redis_port" GET "$([ "$1" = bulwark ] && echo bulwark || echo bench):counter:x")
    awk -v c="${counter:-0}" '/^Requests\/sec:/ {rps = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
      /^STATUS/ {ok = $2; u = $3; x = $4} END {printf "%d %s %s %d %d %d %d\n", rps, p50, p99, ok, u, x, c}' "$4"
  }
  pool_run bulwark $bport "$warm" "$WORK/pool-warm-b.txt" >/dev/null
  pool_run baseline $rport "$warm" "$WORK/pool-warm-r.txt" >/dev/null
  local rows="" ratios="" b r
  for i in $(seq 1 "$rounds"); do
    if [ $((i % 2)) -eq 1 ]; then
      b=$(pool_run bulwark $bport "$secs" "$WORK/pool-b-$i.txt"); r=$(pool_run baseline $rport "$secs" "$WORK/pool-r-$i.txt")
    else
      r=$(pool_run baseline $rport "$secs" "$WORK/pool-r-$i.txt"); b=$(pool_run bulwark $bport "$secs" "$WORK/pool-b-$i.txt")
    fi
    rows+=$(awk -v i="$i" -v b="$b" -v r="$r" -v c="$conns" 'BEGIN { split(b, B, " "); split(r, R, " ");
      bt = B[4] + B[5] + B[6]; rt = R[4] + R[5] + R[6];
      bd = B[7] - B[4]; rd = R[7] - R[4];
      printf "| %d | %d | %s | %s | %d / %d / %d | %.1f%% | %d (200s %+d: %s) | %d | %s | %s | %d / %d / %d | %d (200s %+d: %s) | %.3f |", i,
        B[1], B[2], B[3], B[4], B[5], B[6], bt ? 100 * B[5] / bt : 0, B[7], bd, (bd >= 0 && bd <= c) ? "ok" : "LOST",
        R[1], R[2], R[3], R[4], R[5], R[6], R[7], rd, (rd >= 0 && rd <= c) ? "ok" : "LOST", B[1] / R[1] }')$'\n'
    ratios+=$(awk -v b="$b" -v r="$r" 'BEGIN { split(b, B, " "); split(r, R, " "); printf "%.3f", B[1] / R[1] }')$'\n'
  done
  local status
  status=$(admin_status "$(cat "$WORK/admin.token" 2>/dev/null)" $aport 2>/dev/null | python3 -c 'import json,sys
try: print(json.dumps(json.load(sys.stdin)["pool"]))
except Exception: print("{}")')
  stop_server "$bpid"; stop_server "$rpid"; stop_server "$redis_pid"

  echo "# pool: /db/counters/x/incr through Bulwark's pool vs vertx-redis-client's pool"
  echo
  machine_header
  echo "- command: \`ROUNDS=$rounds SECONDS_PER_RUN=$secs WARMUP_SECONDS=$warm CONNECTIONS=$conns WRK_THREADS=$threads MAX_SIZE=$max MAX_WAITING=$waiting bench/run pool\`"
  echo "- Bulwark: \`java $JVM_FLAGS -jar target/bulwark.jar --config pool.json\` with \`redis.url\`, \`pool.maxSize: $max\`, \`pool.maxWaiting: $waiting\` (acquireTimeout default), ${INSTANCES:-2} event loops"
  echo "- baseline: bench/baseline/RedisPoolBaseline.java, vertx-web + vertx-redis-client with \`maxPoolSize $max\`, \`maxPoolWaiting $waiting\`, ${INSTANCES:-2} event loops"
  echo "- load: \`wrk -t$threads -c$conns -d${secs}s --latency -s pool.lua\` POST, alternated (odd rounds Bulwark first), each run on a fresh counter; redis-server $(redis-server --version | awk '{print $3}') on loopback"
  echo
  echo "| round | Bulwark req/s | p50 | p99 | 200 / 503 / other | 503 share | final counter | baseline req/s | p50 | p99 | 200 / 503 / other | final counter | Bulwark/baseline |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "The final counter may exceed the 200s wrk counted by the requests still in flight when wrk stopped (at most"
  echo "one per connection, $conns): those were incremented but their answers were not read. \"ok\" means 0 <= counter -"
  echo "200s <= $conns: nothing lost, nothing counted twice beyond them."
  echo
  echo "**Median of per-round ratios Bulwark/baseline req/s: $(printf '%s' "$ratios" | median | xargs printf '%.3f')** (bar: >= 0.9)."
  echo
  echo "Bulwark's pool at the end (\`/admin/status\` \`pool\`): \`$status\`"
}
