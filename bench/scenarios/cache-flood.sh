# cache-flood: 2,000,000 PUTs of unique keys with 1 KiB values into a cache of maxWeight 32 MiB at -Xmx256m; the
# cache's weight must stay within 5 % of its budget and old gen after a full GC below 32 MiB + baseline + 16 MiB.
# Then a Zipf-distributed GET workload (cache-aside: a miss PUTs the key) over ten times the keys the cache can hold.
# Knobs (env): TOTAL (2000000), CONCURRENCY (64), ZIPF_SECONDS (20), ZIPF_S (1.0). Sampled once a second
# (start_sampler) through the flood and the Zipf workload: cache-flood-samples.tsv and cache-flood.png.
run_scenario() {
  local total=${TOTAL:-2000000} conc=${CONCURRENCY:-64} zsecs=${ZIPF_SECONDS:-20} zs=${ZIPF_S:-1.0} port=18087
  local flags="-Xms256m -Xmx256m -XX:+UseG1GC"
  mkdir -p "$WORK/classes"
  javac -nowarn -cp "$JAR" -d "$WORK/classes" "$BENCH_DIR/load/CacheFloodClient.java"
  echo '{"cache": {"publicStats": true}, "caches": {"flood": {"maxWeight": "32MiB", "maxEntries": 10000000, "expireAfterWrite": "0s"}}}' \
    > "$WORK/cache-flood.json"
  METRICS_PORT=17087
  JVM_FLAGS="$flags" SERVER_ARGS="--config $WORK/cache-flood.json" \
    start_admin_bulwark $port 19097 "$WORK/cache-bulwark.log"
  local pid=$STARTED
  jcmd "$pid" GC.run >/dev/null
  local baseline flood after capacity keys zipf_before zipf_after
  baseline=$(bench_status | python3 -c 'import json,sys; print(json.load(sys.stdin)["memory"]["oldGenAfterLastGc"])')
  # Bound: 120 s plus a second per 1000 PUTs and the Zipf run; stopped at the end anyway.
  start_sampler cache-flood $((total / 1000 + zsecs + 120)) flood
  flood=$(java -Xmx512m -cp "$JAR:$WORK/classes" CacheFloodClient $port flood "$total" "$conc")
  jcmd "$pid" GC.run >/dev/null
  after=$(bench_status)
  # Cache-aside Zipf workload over ten times the keys the cache holds now.
  capacity=$(echo "$after" | python3 -c 'import json,sys; print([c for c in json.load(sys.stdin)["caches"] if c["name"]=="flood"][0]["entries"])')
  keys=$((capacity * 10))
  cat > "$WORK/zipf.lua" <<LUA
local n, s = $keys, $zs
local cdf, sum = {}, 0
for i = 1, n do sum = sum + 1 / (i ^ s); cdf[i] = sum end
for i = 1, n do cdf[i] = cdf[i] / sum end
local body = string.rep("v", 1024)
local pending = nil
local function pick()
  local u, lo, hi = math.random(), 1, n
  while lo < hi do local mid = math.floor((lo + hi) / 2); if cdf[mid] < u then lo = mid + 1 else hi = mid end end
  return lo
end
request = function()
  if pending then local k = pending; pending = nil; return wrk.format("PUT", "/cache/flood/z" .. k, nil, body) end
  last = pick()
  return wrk.format("GET", "/cache/flood/z" .. last)
end
response = function(status) if status == 404 then pending = last end end
LUA
  sample_phase zipf
  wrk -t1 -c1 -d5s -s "$WORK/zipf.lua" "http://127.0.0.1:$port" > /dev/null 2>&1  # fills the cache with the hot keys
  zipf_before=$(curl -s "http://127.0.0.1:$port/cache/flood")
  wrk -t1 -c1 -d"${zsecs}s" -s "$WORK/zipf.lua" "http://127.0.0.1:$port" > "$WORK/zipf.txt" 2>&1
  zipf_after=$(curl -s "http://127.0.0.1:$port/cache/flood")
  stop_sampler
  plot_samples cache-flood "cache-flood: $total unique 1 KiB PUTs into a 32 MiB cache, then a Zipf GET workload"
  local ooms alive=no
  ooms=$(grep -c "OutOfMemoryError" "$WORK/cache-bulwark.log" || true)
  kill -0 "$pid" 2>/dev/null && alive=yes

  echo "# cache-flood: 2,000,000 unique 1 KiB PUTs into a 32 MiB cache at -Xmx256m"
  echo
  JVM_FLAGS="$flags" machine_header
  echo "- command: \`TOTAL=$total CONCURRENCY=$conc ZIPF_SECONDS=$zsecs ZIPF_S=$zs bench/run cache-flood\`"
  echo "- server: \`BULWARK_METRICS_PORT=$METRICS_PORT java $flags -jar target/bulwark.jar --config cache-flood.json\` with \`caches.flood.maxWeight: 32MiB\` (the scrape on a port of its own, for the sampler)"
  echo "- flood: bench/load/CacheFloodClient.java, $conc PUTs in flight, the cache's weight read every 100 ms"
  echo "- Zipf: \`wrk -t1 -c1 -d${zsecs}s -s zipf.lua\`, s=$zs over $keys keys (10 x the $capacity entries the cache holds), a miss PUTs the key (cache-aside), after a 5 s fill"
  echo
  python3 - "$flood" "$baseline" "$after" "$zipf_before" "$zipf_after" "$ooms" "$alive" "$WORK/zipf.txt" <<'PY'
import json, re, sys
flood, baseline, after, zb, za, ooms, alive, zipf_txt = sys.argv[1:9]
flood, after, zb, za = json.loads(flood), json.loads(after), json.loads(zb), json.loads(za)
baseline = int(baseline)
cache = [c for c in after["caches"] if c["name"] == "flood"][0]
budget = cache["maxWeightBytes"]
mib = lambda b: "%.1f" % (b / 1048576)
old = after["memory"]["oldGenAfterLastGc"]
bar = budget + baseline + 16 * 1048576
hits, misses = za["hits"] - zb["hits"], za["misses"] - zb["misses"]
rps = (re.search(r"Requests/sec:\s+([\d.]+)", open(zipf_txt).read()) or [0, "0"])[1]
print("| figure | value | bar |")
print("|---|---|---|")
print(f"| PUTs | {flood['puts']} ({flood['ok']} x 204, {flood['otherStatus']} other) | 2,000,000 |")
print(f"| PUT req/s | {flood['putsPerSec']} | - |")
print(f"| largest cache weight seen (sampled every 100 ms) | {mib(flood['maxWeightSeen'])} MiB = {flood['maxWeightSeen'] / budget:.3f} of budget | <= 1.05 |")
print(f"| cache weight at the end | {mib(cache['weightBytes'])} MiB, {cache['entries']} entries, {cache['evictions']} evictions | - |")
print(f"| old gen after full GC: baseline / after the flood | {mib(baseline)} / {mib(old)} MiB | < {mib(bar)} MiB |")
print(f"| OutOfMemoryError / process alive | {ooms} / {alive} | 0 / yes |")
print(f"| Zipf GET hit rate (cache at 10 % of the keys) | {hits / max(1, hits + misses):.3f} ({hits} hits, {misses} misses) | - |")
print(f"| Zipf requests/s (GETs and miss PUTs) | {rps} | - |")
ok = flood["maxWeightSeen"] <= 1.05 * budget and old < bar and ooms == "0" and alive == "yes"
print()
print(("**PASS**" if ok else "**FAIL**") + f": weight peaked at {flood['maxWeightSeen'] / budget:.3f} of budget; old gen {mib(old)} MiB after {flood['puts']:,} PUTs.")
PY
  echo
  samples_section cache-flood
}
