# session-flood: 1,000,000 requests to GET /session, each without a cookie (a new client every time), no Redis: the
# local store must stay at sessions.maxSessions and the heap bounded. Knobs (env): TOTAL (1000000), MAX_SESSIONS
# (100000), CONNECTIONS (32). Sampled once a second (start_sampler): session-flood-samples.tsv and session-flood.png.
run_scenario() {
  local total=${TOTAL:-1000000} max=${MAX_SESSIONS:-100000} conns=${CONNECTIONS:-32} port=18088
  local flags="-Xms256m -Xmx256m -XX:+UseG1GC"
  METRICS_PORT=17088
  JVM_FLAGS="$flags" BULWARK_SESSIONS_MAX_SESSIONS=$max \
    start_admin_bulwark $port 19098 "$WORK/session-bulwark.log"
  local pid=$STARTED
  jcmd "$pid" GC.run >/dev/null
  local baseline done_requests=0 seconds=0 run=0 max_size=0
  baseline=$(bench_status | python3 -c 'import json,sys; print(json.load(sys.stdin)["memory"]["oldGenAfterLastGc"])')
  ( while kill -0 "$pid" 2>/dev/null; do bench_status | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"]["size"])' 2>/dev/null; sleep 0.5; done ) > "$WORK/session-sizes.txt" &
  local sampler=$!
  # Bound: 120 s plus a second per 500 requests; stopped at the end anyway.
  start_sampler session-flood $((total / 500 + 120)) flood
  while [ "$done_requests" -lt "$total" ]; do
    run=$((run + 1))
    wrk -t1 -c"$conns" -d20s "http://127.0.0.1:$port/session" > "$WORK/session-wrk-$run.txt" 2>&1
    done_requests=$((done_requests + $(awk '/requests in/ {print $1}' "$WORK/session-wrk-$run.txt")))
    seconds=$((seconds + 20))
  done
  jcmd "$pid" GC.run >/dev/null
  local after ooms alive=no
  after=$(bench_status)
  kill "$sampler" 2>/dev/null || true
  stop_sampler
  plot_samples session-flood "session-flood: $total cookieless clients against a local store of $max sessions"
  ooms=$(grep -c "OutOfMemoryError" "$WORK/session-bulwark.log" || true)
  kill -0 "$pid" 2>/dev/null && alive=yes
  max_size=$(sort -n "$WORK/session-sizes.txt" | tail -1)

  echo "# session-flood: a million cookieless clients, local session store"
  echo
  JVM_FLAGS="$flags" machine_header
  echo "- command: \`TOTAL=$total MAX_SESSIONS=$max CONNECTIONS=$conns bench/run session-flood\`"
  echo "- server: \`BULWARK_SESSIONS_MAX_SESSIONS=$max BULWARK_METRICS_PORT=$METRICS_PORT java $flags -jar target/bulwark.jar\` (no Redis; the scrape on a port of its own, for the sampler)"
  echo "- load: \`wrk -t1 -c$conns -d20s /session\` repeated until $total requests (wrk keeps no cookies: every request is a new client)"
  echo
  python3 - "$after" "$baseline" "$done_requests" "$seconds" "$max_size" "$ooms" "$alive" "$max" "$total" <<'PY'
import json, sys
after, baseline, done, secs, max_size, ooms, alive, cap = sys.argv[1:9]
after = json.loads(after); baseline = int(baseline); cap = int(cap)
s = after["sessions"]; old = after["memory"]["oldGenAfterLastGc"]
mib = lambda b: "%.1f" % (b / 1048576)
print("| figure | value | bar |")
print("|---|---|---|")
print(f"| requests (new clients) | {done} in {secs} s ({int(done) // int(secs)} req/s) | >= {int(sys.argv[9]):,} |")
print(f"| largest store size seen (sampled every 0.5 s) | {max_size} | {cap} (+ Caffeine's pending maintenance) |")
print(f"| store size at the end / evictions | {s['size']} / {s['evictions']} | - |")
print(f"| old gen after full GC: baseline / after | {mib(baseline)} / {mib(old)} MiB | bounded |")
print(f"| OutOfMemoryError / process alive | {ooms} / {alive} | 0 / yes |")
ok = int(max_size) <= cap * 1.05 and ooms == "0" and alive == "yes"
print()
print(("**PASS**" if ok else "**FAIL**") + f": store peaked at {max_size} of {cap} sessions over {done} new clients.")
PY
  echo
  samples_section session-flood
}
