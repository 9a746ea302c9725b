# leak-detect: the leak detector against the lab's real leaks and against honest traffic, at -Xmx512m.
# Each leak phase: a fresh server with background traffic (/hello, /demo/timer, cache PUT/GET, ~RATE req/s) for
# LEAD seconds, then wrk drives one lab leak at a fixed rate (wrk's delay()): /lab/leak/cache with unique keys and
# 1000-character values (about 2 MiB a minute), /lab/leak/timer and /lab/leak/listener (HANDLE_RATE calls a second).
# /admin/leaks is polled every 5 s: the time from the leak's start to "leaking" of the expected signal, and the top
# three growing classes. Then the no-leak phase: the same server config and background traffic only, for QUIET
# seconds: the status must stay ok with zero alerts. Bars: leaking within 300 s (aim 120 s); the cache leak names the
# map's entry or value class (ConcurrentHashMap$Node, String or [B) among its top three; zero alerts without a leak.
# Knobs (env): WINDOW (2m), SAMPLE (5s), GC_EVERY (20s), MIN_GROWTH (2MiB), MIN_HANDLE_GROWTH (100), LEAD (60),
# LIMIT (300), QUIET (600), HANDLE_RATE (5), RATE (2000), CACHE_WEIGHT (8MiB: the background's 100,000 keys of 512 B
# fill the default cache within the lead, then churn it at its bound), PHASES ("cache timer listener quiet").
# Sampled once a second through every phase (start_sampler, one file): leak-detect-samples.tsv and leak-detect.png.
run_scenario() {
  local window=${WINDOW:-2m} sample=${SAMPLE:-5s} gc=${GC_EVERY:-20s} growth=${MIN_GROWTH:-2MiB}
  local handles=${MIN_HANDLE_GROWTH:-100} lead=${LEAD:-60} limit=${LIMIT:-300} quiet=${QUIET:-600}
  local hrate=${HANDLE_RATE:-5} rate=${RATE:-2000} phases=${PHASES:-"cache timer listener quiet"}
  local cache=${CACHE_WEIGHT:-8MiB} port=18098 aport=19098
  METRICS_PORT=17098
  JVM_FLAGS=${LEAK_JVM_FLAGS:-"-Xms512m -Xmx512m -XX:+UseG1GC"}
  cat >"$WORK/leak-detect.json" <<JSON
{"lab": {"enabled": true}, "caches": {"default": {"maxWeight": "$cache"}},
 "leaks": {"window": "$window", "sampleInterval": "$sample", "warmup": "30s", "gcEvery": "$gc",
           "minGrowth": "$growth", "minHandleGrowth": $handles}}
JSON
  # Background: four connections, each pausing so that together they make about RATE requests a second.
  cat >"$WORK/background.lua" <<LUA
local body = string.rep("c", 512)
function delay() return math.floor(4000 / $rate) end
request = function()
  local r = math.random(4)
  if r == 1 then return wrk.format("GET", "/hello") end
  if r == 2 then return wrk.format("GET", "/demo/timer?ms=5") end
  if r == 3 then return wrk.format("PUT", "/cache/default/k" .. math.random(100000), nil, body) end
  return wrk.format("GET", "/cache/default/k" .. math.random(100000))
end
LUA
  local value
  value=$(head -c 1000 /dev/zero | tr '\0' 'v')
  cat >"$WORK/leak-cache.lua" <<LUA
local n, id = 0, 0
function setup(thread) id = id + 1; thread:set("id", id) end
function delay() return 31 end
request = function()
  n = n + 1
  return wrk.format("GET", "/lab/leak/cache?key=t" .. id .. "-" .. n .. "&value=$value")
end
LUA
  printf 'function delay() return %d end\n' $((1000 / hrate)) >"$WORK/leak-handles.lua"

  local rows="" quiet_row=""
  for phase in $phases; do
    SERVER_ARGS="--config $WORK/leak-detect.json" start_admin_bulwark $port $aport "$WORK/leak-$phase.log"
    local pid=$STARTED
    local dur cells=""
    [ "$phase" = quiet ] && dur=$quiet || dur=$((lead + limit + 30))
    start_sampler leak-detect $((dur + 30)) "$phase"
    wrk -t1 -c4 -d"${dur}s" -s "$WORK/background.lua" "http://127.0.0.1:$port" >"$WORK/leak-bg-$phase.txt" 2>&1 &
    local bg=$!
    if [ "$phase" = quiet ]; then
      quiet_row=$(leak_watch_quiet "$quiet")
    else
      sleep "$lead"
      sample_phase "$phase-leak"
      local path signal script
      case $phase in
        cache) path="/lab/leak/cache"; signal=heapAfterGc; script=leak-cache.lua ;;
        timer) path="/lab/leak/timer"; signal=timers; script=leak-handles.lua ;;
        listener) path="/lab/leak/listener"; signal=eventBusHandlers; script=leak-handles.lua ;;
      esac
      wrk -t1 -c1 -d"$((limit + 30))s" -s "$WORK/$script" "http://127.0.0.1:$port$path" >"$WORK/leak-drive-$phase.txt" 2>&1 &
      local drive=$!
      cells="| $phase | \`$path\` | $(leak_watch "$signal" "$limit") |"
      kill "$drive" 2>/dev/null || true; wait "$drive" 2>/dev/null || true
    fi
    local gcs
    gcs=$(jstat -gc "$pid" | awk 'NR == 2 {printf "%d young / %d full / %d concurrent", $(NF-6), $(NF-4), $(NF-2)}')
    if [ "$phase" = quiet ]; then quiet_row+=" $gcs |"; else rows+="$cells $gcs |"$'\n'; fi
    kill "$bg" 2>/dev/null || true; wait "$bg" 2>/dev/null || true
    stop_sampler
    stop_server "$pid"
  done
  plot_samples leak-detect "leak-detect: the lab's leaks (one server a phase; -leak: the leak runs) and a quiet run"

  echo "# leak-detect: time from a leak's start to /admin/leaks \"leaking\", and a quiet run"
  echo
  machine_header
  echo "- command: \`WINDOW=$window SAMPLE=$sample GC_EVERY=$gc MIN_GROWTH=$growth MIN_HANDLE_GROWTH=$handles LEAD=$lead LIMIT=$limit QUIET=$quiet HANDLE_RATE=$hrate RATE=$rate bench/run leak-detect\`"
  echo "- server: \`BULWARK_METRICS_PORT=$METRICS_PORT java $JVM_FLAGS -jar target/bulwark.jar --config leak-detect.json\` (the scrape on a port of its own, for the sampler): \`lab.enabled\`, \`leaks.window $window\`, \`sampleInterval $sample\`, \`warmup 30s\`, \`gcEvery $gc\`, \`minGrowth $growth\`, \`minHandleGrowth $handles\`"
  echo "- background on every phase: \`wrk -t1 -c4 -s background.lua\` (delay() for ~$rate req/s: /hello, /demo/timer?ms=5, PUT and GET /cache/default/k<1..100000> with 512 B values, \`caches.default.maxWeight $cache\`)"
  echo "- leaks start after ${lead}s: \`wrk -t1 -c1 -s leak-cache.lua\` (delay 31 ms: ~32 unique keys/s with 1000-character values, about 2 MiB/min), \`-s leak-handles.lua\` (${hrate} calls/s)"
  echo
  echo "| leak | route | expected signal | leaking after | top three growing classes | alerts (signals) | G1 collections in the run |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  if [ -n "$quiet_row" ]; then
    echo "| no leak, ${quiet}s | worst status seen | alerts | signals ever suspected | G1 collections in the run |"
    echo "|---|---|---|---|---|"
    echo "$quiet_row"
  fi
  echo
  samples_section leak-detect
}

# leak_watch SIGNAL LIMIT: polls /admin/leaks every 5 s from now; prints the table cells from "expected signal" to
# "alerts" for the first time SIGNAL is leaking, or "not within LIMIT s".
leak_watch() {
  local signal=$1 limit=$2 start now doc
  start=$(date +%s)
  while :; do
    sleep 5
    now=$(date +%s)
    doc=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$ADMIN_PORT/admin/leaks")
    if echo "$doc" | python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if [s for s in d['signals'] if s['name']=='$signal' and s['state']=='leaking'] else 1)"; then
      sleep 5 # the alert's histogram diff is taken on a worker thread just after
      doc=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$ADMIN_PORT/admin/leaks")
      echo "$doc" | python3 -c "import json,sys
d=json.load(sys.stdin); a=[x for x in d['alerts'] if x['signal']=='$signal'][0]
top=', '.join('%s +%d B' % (c['className'], c['bytesDelta']) for c in a['topClasses'][:3]) or 'none'
print('%s | %d s | %s | %d (%s)' % ('$signal', $now - $start, top, len(d['alerts']), ', '.join(x['signal'] for x in d['alerts'])))"
      return
    fi
    if [ $((now - start)) -ge "$limit" ]; then
      echo "$signal | not within ${limit} s | | $(echo "$doc" | python3 -c "import json,sys; d=json.load(sys.stdin); print(len(d['alerts']), [(s['name'], s['state'], s['samples']) for s in d['signals'] if s['name']=='$signal'])")"
      return
    fi
  done
}

# leak_watch_quiet SECONDS: polls /admin/leaks every 5 s for SECONDS; prints the quiet table's first cells.
leak_watch_quiet() {
  local secs=$1 start worst=ok suspected="" doc
  start=$(date +%s)
  while [ $(($(date +%s) - start)) -lt "$secs" ]; do
    sleep 5
    doc=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$ADMIN_PORT/admin/leaks")
    read -r st sus < <(echo "$doc" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['status'], ','.join(s['name'] for s in d['signals'] if s['state']!='ok') or '-')")
    [ "$st" != ok ] && [ "$worst" != leaking ] && worst=$st
    [ "$sus" != - ] && suspected+="$sus "
  done
  local alerts
  alerts=$(echo "$doc" | python3 -c "import json,sys; print(json.load(sys.stdin)['alertCount'])")
  echo "| no leak | $worst | $alerts | $(echo "${suspected:-none}" | tr ' ' '\n' | sort -u | tr '\n' ' ') |"
}
