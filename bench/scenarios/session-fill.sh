# session-fill: the attack that pinned a -Xmx128m server at CRITICAL for the session timeout: 400 cookieless clients
# each filling their session with 32 values of 4 KiB (about 52 MiB of values), with no Redis. The session store is
# bounded in bytes (sessions.maxBytes): the level must stay NORMAL or be NORMAL again within 15 s of the fill, and
# GET /hello (probed every 100 ms) must never fail for longer than that. Knobs (env): CLIENTS (400), KEYS (32),
# VALUE_BYTES (4096), CONCURRENCY (16), WATCH_SECONDS (30).
run_scenario() {
  local clients=${CLIENTS:-400} keys=${KEYS:-32} bytes=${VALUE_BYTES:-4096} conc=${CONCURRENCY:-16}
  local watch=${WATCH_SECONDS:-30} port=18089
  local flags="-Xms128m -Xmx128m -XX:+UseG1GC"
  mkdir -p "$WORK/classes"
  javac -nowarn -d "$WORK/classes" "$BENCH_DIR/load/SessionFillClient.java"
  JVM_FLAGS="$flags" start_admin_bulwark $port 19099 "$WORK/session-fill-bulwark.log"
  local pid=$STARTED result ooms alive=no after
  result=$(java -Xmx256m -cp "$WORK/classes" SessionFillClient $port $ADMIN_PORT "$ADMIN_TOKEN" "$clients" "$keys" \
    "$bytes" "$conc" "$watch")
  after=$(bench_status)
  ooms=$(grep -c "OutOfMemoryError" "$WORK/session-fill-bulwark.log" || true)
  kill -0 "$pid" 2>/dev/null && alive=yes

  echo "# session-fill: clients filling their sessions at -Xmx128m"
  echo
  JVM_FLAGS="$flags" machine_header
  echo "- command: \`CLIENTS=$clients KEYS=$keys VALUE_BYTES=$bytes CONCURRENCY=$conc bench/run session-fill\`"
  echo "- server: \`java $flags -jar target/bulwark.jar\` on built-in defaults (no Redis: the local session store)"
  echo "- load: bench/load/SessionFillClient.java: $clients clients x $keys PUT /session/data/kN of $bytes bytes, $conc clients at a time; GET /hello every 100 ms; /admin/status every 250 ms"
  echo
  python3 - "$result" "$after" "$ooms" "$alive" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); after = json.loads(sys.argv[2]); ooms, alive = sys.argv[3:5]
s = after["sessions"]; b = after["budgets"]
mib = lambda v: "%.1f" % (v / 1048576)
print("| figure | value | bar |")
print("|---|---|---|")
print(f"| fill | {sum(r['puts'].values())} PUTs in {r['fillMs'] / 1000:.1f} s, by status {r['puts']} | - |")
print(f"| pressure level samples (every 250 ms) | {r['levelSamples']} | NORMAL, or NORMAL again within 15 s |")
print(f"| last non-NORMAL sample after the fill ended | {r['normalAfterFillMs'] / 1000:.1f} s | <= 15 s |")
print(f"| GET /hello probes / failed / longest failing stretch | {r['probes']} / {r['probeFailures']} / {r['longestProbeFailureMs'] / 1000:.1f} s | longest <= 15 s |")
print(f"| session bytes: largest sampled / at the end / limit | {mib(r['maxSessionBytes'])} / {mib(s['bytes'])} / {mib(s['maxBytes'])} MiB | <= limit (+ one session) |")
print(f"| sessions at the end / evicted | {s['size']} / {s['evictions']} | evicted > 0 |")
print(f"| memory budget: used / limit | {mib(b['used'])} / {mib(b['limit'])} MiB | - |")
print(f"| OutOfMemoryError / process alive | {ooms} / {alive} | 0 / yes |")
ok = (r['normalAfterFillMs'] <= 15000 and r['longestProbeFailureMs'] <= 15000 and s['evictions'] > 0
      and ooms == "0" and alive == "yes")
print()
print(("**PASS**" if ok else "**FAIL**") + f": {sum(r['puts'].values())} session writes at -Xmx128m; /hello failed for at most {r['longestProbeFailureMs'] / 1000:.1f} s.")
PY
}
