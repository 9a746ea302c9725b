# pressure: a flood that would end in OutOfMemoryError without the guards. The server runs at -Xmx128m with the lab
# on; for 60 s wrk drives the lab leak (/lab/leak/bytes?kb=64) and 512 KiB POST bodies (/lab/echo) from several
# connections, while two more wrk processes probe /health/live and /critical/data. Then POST /lab/reset and time the
# return to NORMAL. Knobs (env): FLOOD_SECONDS (60), FLOOD_CONNECTIONS (8), BODY_KIB (512). Sampled once a second
# (start_sampler) from the flood's start to 5 s after the return to NORMAL: pressure-samples.tsv and pressure.png.
run_scenario() {
  local secs=${FLOOD_SECONDS:-60} conns=${FLOOD_CONNECTIONS:-8} kib=${BODY_KIB:-512} port=18086
  local flags="-Xms128m -Xmx128m -XX:+UseG1GC"
  cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = string.rep("x", $kib * 1024)
wrk.headers["Content-Type"] = "application/octet-stream"
LUA
  METRICS_PORT=17086
  JVM_FLAGS="$flags" BULWARK_LAB_ENABLED=true start_admin_bulwark $port 19096 "$WORK/pressure-bulwark.log"
  local pid=$STARTED

  # Samples once a second from the flood to a few seconds after NORMAL (the level table counts the flood's rows).
  start_sampler pressure $((secs + 40)) flood
  local base="http://127.0.0.1:$port"
  wrk -t1 -c"$conns" -d"${secs}s" "$base/lab/leak/bytes?kb=64" > "$WORK/flood-leak.txt" 2>&1 &
  local w1=$!
  wrk -t1 -c"$conns" -d"${secs}s" -s "$WORK/post.lua" "$base/lab/echo" > "$WORK/flood-body.txt" 2>&1 &
  local w2=$!
  wrk -t1 -c1 -d"${secs}s" --latency "$base/health/live" > "$WORK/probe-live.txt" 2>&1 &
  local w3=$!
  wrk -t1 -c1 -d"${secs}s" --latency "$base/critical/data" > "$WORK/probe-critical.txt" 2>&1 &
  local w4=$!
  wait $w1 $w2 $w3 $w4
  sample_phase reset

  local alive=no
  kill -0 "$pid" 2>/dev/null && alive=yes
  local before_reset after_reset t0 t1 seconds_to_normal="never (15 s)"
  before_reset=$(bench_status)
  curl -s -X POST "$base/lab/reset" > "$WORK/reset.json"
  t0=$(date +%s%N)
  for _ in $(seq 1 60); do
    if [ "$(bench_status | python3 -c 'import json,sys; print(json.load(sys.stdin)["pressure"]["level"])')" = "NORMAL" ]; then
      t1=$(date +%s%N); seconds_to_normal=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'); break
    fi
    sleep 0.25
  done
  after_reset=$(bench_status)
  sleep 5  # a few samples of the heap after the reset
  stop_sampler
  plot_samples pressure "pressure: lab leak + ${kib} KiB bodies for ${secs} s at -Xmx128m, then POST /lab/reset"
  local ooms
  ooms=$(grep -c "OutOfMemoryError" "$WORK/pressure-bulwark.log" || true)

  echo "# pressure: a leak and body flood at -Xmx128m"
  echo
  JVM_FLAGS="$flags" machine_header
  echo "- command: \`FLOOD_SECONDS=$secs FLOOD_CONNECTIONS=$conns BODY_KIB=$kib bench/run pressure\`"
  echo "- server: \`BULWARK_LAB_ENABLED=true BULWARK_METRICS_PORT=$METRICS_PORT java $flags -jar target/bulwark.jar\` (the scrape on a port of its own, for the sampler), otherwise built-in defaults"
  echo "- flood, for ${secs} s at once: \`wrk -t1 -c$conns /lab/leak/bytes?kb=64\`, \`wrk -t1 -c$conns -s post.lua /lab/echo\` (${kib} KiB bodies); probes: \`wrk -t1 -c1 --latency /health/live\` and \`/critical/data\`"
  echo
  python3 - "$WORK" "$before_reset" "$after_reset" "$alive" "$ooms" "$seconds_to_normal" <<'PY'
import json, re, sys, collections
work, before, after, alive, ooms, to_normal = sys.argv[1:7]
before, after = json.loads(before), json.loads(after)
def wrk(name):
    text = open(f"{work}/{name}.txt").read()
    g = lambda p: (re.search(p, text) or [None, "0"])[1]
    return {"requests": g(r"(\d+) requests in"), "rps": g(r"Requests/sec:\s+([\d.]+)"),
            "non2xx": g(r"Non-2xx or 3xx responses: (\d+)"), "errors": g(r"Socket errors: (.*)") if "Socket errors" in text else "none",
            "p50": g(r"\s50%\s+(\S+)"), "p99": g(r"\s99%\s+(\S+)")}
print("| stream | requests | req/s | non-2xx (shed) | socket errors | p50 | p99 |")
print("|---|---|---|---|---|---|---|")
for name, label in (("flood-leak", "leak GET /lab/leak/bytes?kb=64"), ("flood-body", "bodies POST /lab/echo"),
                    ("probe-live", "probe GET /health/live"), ("probe-critical", "probe GET /critical/data")):
    r = wrk(name)
    print(f"| {label} | {r['requests']} | {r['rps']} | {r['non2xx']} | {r['errors']} | {r['p50'] if 'probe' in name else '-'} | {r['p99'] if 'probe' in name else '-'} |")
print()
names = {"0": "NORMAL", "1": "ELEVATED", "2": "CRITICAL", "-": "no answer within 0.9 s"}
rows = [l.rstrip("\n").split("\t") for l in open(f"{work}/pressure-samples.tsv")][1:]
levels = collections.Counter(names[r[7]] for r in rows if r[1] == "flood")
print("| level during the flood (1 s samples) | samples |")
print("|---|---|")
for l in names.values():
    if levels[l]:
        print(f"| {l} | {levels[l]} |")
print()
p = before["pressure"]
print("| shed (503) at level | pressure | inflight_bytes | concurrency |")
print("|---|---|---|---|")
for l in ("normal", "elevated", "critical"):
    s = p["shed"][l]
    print(f"| {l.upper()} | {s['pressure']} | {s['inflight_bytes']} | {s['concurrency']} |")
print()
print("| outcome | value |")
print("|---|---|")
print(f"| OutOfMemoryError lines in the server log | {ooms} |")
print(f"| process alive after the flood | {alive} |")
print(f"| levels entered | {', '.join(f'{k} {v}' for k, v in p['entered'].items())} |")
print(f"| heap after GC at the end of the flood | {p['signals']['heapFraction']} of max |")
print(f"| after POST /lab/reset: back to NORMAL in | {to_normal} s (bar: 15 s) |")
print(f"| level after reset | {after['pressure']['level']} |")
ok = ooms == "0" and alive == "yes" and after["pressure"]["level"] == "NORMAL"
print()
print(("**PASS**" if ok else "**FAIL**") + f": {ooms} OutOfMemoryError, process alive: {alive}, NORMAL {to_normal} s after reset.")
PY
  echo
  samples_section pressure
}
