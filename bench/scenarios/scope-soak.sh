# scope-soak: a million requests over the scoped demo routes, a quarter of the slow ones aborted by the client; then
# no resource may be left and old gen after a full GC must be where warm-up left it.
# Knobs (env): TOTAL (1000000), WARMUP_REQUESTS (50000), CONCURRENCY (512), JVM_FLAGS. Sampled once a second
# (start_sampler): scope-soak-samples.tsv and scope-soak.png.
ensure_soak_client() {
  mkdir -p "$WORK/classes"
  if [ ! -f "$WORK/classes/SoakClient.class" ] || [ "$BENCH_DIR/load/SoakClient.java" -nt "$WORK/classes/SoakClient.class" ]; then
    javac -nowarn -cp "$JAR" -d "$WORK/classes" "$BENCH_DIR/load/SoakClient.java"
  fi
}

# full_gc_old_gen PID: a full GC, then old gen as that collection left it, in bytes.
full_gc_old_gen() {
  jcmd "$1" GC.run >/dev/null
  bench_status | python3 -c 'import json,sys; print(json.load(sys.stdin)["memory"]["oldGenAfterLastGc"])'
}

# await_quiet: until no request scope is open (the last aborted requests settle).
await_quiet() {
  for _ in $(seq 1 500); do
    [ "$(bench_status | python3 -c 'import json,sys; print(json.load(sys.stdin)["scopes"]["open"])')" = "0" ] && return 0
    sleep 0.02
  done
}

run_scenario() {
  ensure_soak_client
  local total=${TOTAL:-1000000} warm=${WARMUP_REQUESTS:-50000} conc=${CONCURRENCY:-512} port=18085
  METRICS_PORT=17085
  start_admin_bulwark $port 19095 "$WORK/soak-bulwark.log"
  local pid=$STARTED
  local client="java -Xmx512m -cp $JAR:$WORK/classes SoakClient $port"

  local warm_out soak_out old_warm old_after status
  # Bound: 60 s plus a second per 1000 requests, far above any run seen (17k req/s); stopped at the end anyway.
  start_sampler scope-soak $(( (warm + total) / 1000 + 60 )) warm-up
  warm_out=$($client "$warm" "$conc")
  await_quiet
  sample_phase full-gc
  old_warm=$(full_gc_old_gen "$pid")
  sample_phase soak
  soak_out=$($client "$total" "$conc")
  sample_phase settle
  await_quiet
  sample_phase full-gc
  old_after=$(full_gc_old_gen "$pid")
  sleep 2  # two samples of the old gen the last full GC left
  status=$(bench_status)
  stop_sampler
  plot_samples scope-soak "scope-soak: $total scoped requests, $conc in flight, a quarter of the slow ones aborted"

  echo "# scope-soak: a million scoped requests, a quarter of the slow ones aborted"
  echo
  machine_header
  echo "- command: \`TOTAL=$total WARMUP_REQUESTS=$warm CONCURRENCY=$conc bench/run scope-soak\`"
  echo "- server: \`BULWARK_METRICS_PORT=$METRICS_PORT java $JVM_FLAGS -jar target/bulwark.jar\` (the scrape on a port of its own, for the sampler), otherwise built-in defaults, ${INSTANCES:-2} event loops"
  echo "- load: \`$client TOTAL $conc\` (bench/load/SoakClient.java): /demo/timer?ms=20, /demo/event?ms=20, /demo/slow?ms=50 in turn; every 4th slow request reset by the client after 10 ms"
  echo "- old gen: \`jcmd PID GC.run\` then \`memory.oldGenAfterLastGc\` from /admin/status, after warm-up and after the soak"
  echo
  python3 - "$warm_out" "$soak_out" "$old_warm" "$old_after" "$status" <<'PY'
import json, sys
warm, soak = json.loads(sys.argv[1]), json.loads(sys.argv[2])
old_warm, old_after = int(sys.argv[3]), int(sys.argv[4])
status = json.loads(sys.argv[5])
sc = status["scopes"]
mib = lambda b: "%.2f" % (b / 1048576)
print("| phase | requests | seconds | req/s | 200 | aborted by client | other status | failed |")
print("|---|---|---|---|---|---|---|---|")
for name, r in (("warm-up", warm), ("soak", soak)):
    print("| %s | %d | %.1f | %d | %d | %d | %d | %d |" % (name, r["requests"], r["seconds"], r["reqPerSec"], r["ok"],
          r["aborted"], r["otherStatus"], r["failed"]))
print()
out = sc["outstanding"]
total_out = sum(out.values())
delta = old_after - old_warm
print("| after the soak | value |")
print("|---|---|")
print("| outstanding request resources | %d (%s) |" % (total_out, ", ".join("%s %d" % kv for kv in out.items())))
print("| open request scopes | %d |" % sc["open"])
print("| released by reason | %s |" % ", ".join("%s %d" % kv for kv in sc["released"].items()))
print("| limit breaches / release failures / late acquisitions | %d / %d / %d |" % (sc["limitBreaches"],
      sc["releaseFailures"], sc["lateAcquisitions"]))
print("| old gen after full GC, after warm-up | %s MiB |" % mib(old_warm))
print("| old gen after full GC, after the soak | %s MiB |" % mib(old_after))
print("| difference | %s MiB (bar: within 2 MiB) |" % mib(delta))
print()
verdict = "PASS" if total_out == 0 and sc["open"] == 0 and abs(delta) <= 2 * 1048576 else "FAIL"
print("**%s: %d outstanding request resources; old gen moved %s MiB over %d requests.**" % (verdict, total_out,
      mib(delta), soak["requests"]))
PY
  echo
  samples_section scope-soak
}
