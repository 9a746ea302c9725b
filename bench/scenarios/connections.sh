# connections: the socket guardrails of one instance. With the open-file limit raised here, IDLE (10,000) keep-alive
# connections that each had one GET /hello answered stay open: heap and direct memory per connection after a full GC,
# and /hello p99 (wrk) while they are open against a run just before them, alternated over ROUNDS. Then, the idle ones
# still open, SLOWLORIS (2,000) sockets send a request line and one header byte a second: each must be closed within
# http.headerTimeout + 1 s of its connect, /hello answering throughout (wrk: p99 and errors). Then EXTRA connections:
# those past http.maxConnections are closed unanswered and counted, and the server logs no ERROR. The phases run in
# bench/load/ConnectionsClient.java (one java.nio selector thread; it starts wrk and jcmd itself). Knobs (env): IDLE
# (10000), SLOWLORIS (2000), MAX_CONNECTIONS (IDLE + SLOWLORIS + 500), EXTRA (room left under MAX_CONNECTIONS + 1500),
# HEADER_TIMEOUT (5, seconds), ROUNDS (3), WRK_SECONDS (10), WARMUP_SECONDS (10), WRK_CONNECTIONS (32), INSTANCES (2).
# Sampled once a second (start_sampler) from the admin port and a scrape port of its own, never the main port (whose
# connections are counted exactly): connections-samples.tsv and connections.png.

# raise_open_files NEED: the soft open-file limit of this shell (the server, the client and wrk inherit it) to 65536,
# or to the hard limit when that cannot be raised (it takes root with CAP_SYS_RESOURCE); fails below NEED.
raise_open_files() {
  local need=$1 want=65536 hard
  hard=$(ulimit -Hn)
  if [ "$hard" != unlimited ] && [ "$hard" -lt $want ]; then
    ulimit -Hn $want 2>/dev/null \
      || echo "bench: cannot raise the hard open-file limit above $hard (needs root with CAP_SYS_RESOURCE)" >&2
    hard=$(ulimit -Hn)
  fi
  if [ "$hard" = unlimited ] || [ "$hard" -gt $want ]; then
    hard=$want
  fi
  ulimit -Sn "$hard"
  if [ "$(ulimit -Sn)" -lt "$need" ]; then
    echo "bench: connections needs $need open files per process and the limit is $(ulimit -Sn) (hard $(ulimit -Hn)):" \
      "run as root, raise the hard limit (ulimit -Hn) before bench/run, or lower IDLE, SLOWLORIS and EXTRA" >&2
    exit 1
  fi
}

run_scenario() {
  local idle=${IDLE:-10000} slow=${SLOWLORIS:-2000} head=${HEADER_TIMEOUT:-5} rounds=${ROUNDS:-3}
  local secs=${WRK_SECONDS:-10} warm=${WARMUP_SECONDS:-10} wconns=${WRK_CONNECTIONS:-32} port=18084 aport=19094
  METRICS_PORT=17084
  local max=${MAX_CONNECTIONS:-$((idle + slow + 500))}
  local extra=${EXTRA:-$((max - idle + 1500))}
  local flags="-Xms256m -Xmx256m -XX:+UseG1GC" log="$WORK/connections-bulwark.log"
  raise_open_files $((idle + slow + extra + 512))
  ensure_ports_free $port $aport $METRICS_PORT
  mkdir -p "$WORK/classes"
  javac -nowarn -cp "$JAR" -d "$WORK/classes" "$BENCH_DIR/load/ConnectionsClient.java"
  rm -f "$WORK"/connections-wrk-*.txt
  echo "{\"http\": {\"maxConnections\": $max, \"idleTimeout\": \"10m\", \"headerTimeout\": \"${head}s\"}}" \
    > "$WORK/connections.json"
  JVM_FLAGS="$flags" SERVER_ARGS="--config $WORK/connections.json" start_admin_bulwark $port $aport "$log"
  local pid=$STARTED result metrics alive=no
  # Bound: each round's runs and idle connections, the slowloris and beyond phases, with a wide margin.
  start_sampler connections $((rounds * (warm + 2 * secs + 90) + head + 300)) client
  result=$(java -Xmx256m -cp "$JAR:$WORK/classes" ConnectionsClient $port $aport "$ADMIN_TOKEN" "$pid" "$idle" \
    "$slow" "$extra" $((head * 1000)) "$secs" "$warm" "$wconns" "$rounds" "$WORK") \
    || { echo "bench: ConnectionsClient failed (exit $?); server log: $log" >&2; exit 1; }
  echo "$result" > "$WORK/connections-client.json"
  stop_sampler
  plot_samples connections "connections: $idle idle keep-alive, $slow slowloris, $extra past maxConnections $max"
  metrics=$(curl -s "http://127.0.0.1:$METRICS_PORT/metrics" | grep -E '^bulwark_http_(connections_refused_total|head_timeouts_total)' || true)
  kill -0 "$pid" 2>/dev/null && alive=yes

  echo "# connections: $idle idle keep-alive connections, $slow slowloris sockets, connections past maxConnections"
  echo
  JVM_FLAGS="$flags" machine_header
  echo "- command: \`IDLE=$idle SLOWLORIS=$slow MAX_CONNECTIONS=$max EXTRA=$extra HEADER_TIMEOUT=$head ROUNDS=$rounds WRK_SECONDS=$secs WARMUP_SECONDS=$warm WRK_CONNECTIONS=$wconns bench/run connections\`"
  echo "- open files: \`ulimit -n\` $(ulimit -Sn) (hard $(ulimit -Hn)) for the script, the server, the client and wrk; ephemeral ports $(tr '\t' '-' < /proc/sys/net/ipv4/ip_local_port_range)"
  echo "- server: \`BULWARK_METRICS_PORT=$METRICS_PORT java $flags -jar target/bulwark.jar --config connections.json\` (the scrape on a port of its own, read by the sampler and at the end), ${INSTANCES:-2} event loops, config \`$(cat "$WORK/connections.json")\`, otherwise built-in defaults"
  echo "- load: bench/load/ConnectionsClient.java, one java.nio selector thread for every socket, at most 256 connects outstanding; /hello by \`wrk -t1 -c$wconns -d${secs}s --latency\` after a ${warm} s warm-up, alternated: $rounds rounds of a run alone, then $idle idle connections opened and a run with them open (closed again before the next round; the last round's stay open), each run right after a full GC; during the slowloris phase \`wrk -t1 -c$wconns -d$((head + 5))s --latency\` from 1 s before the sockets open; memory: \`jcmd PID GC.run\` twice, then /admin/status \`memory\`, before and after opening the idle connections"
  echo
  python3 - "$WORK" "$result" "$metrics" "$alive" "$log" "$head" <<'PY'
import json, re, statistics, sys
work, result, metrics, alive, log, head = sys.argv[1:7]
r = json.loads(result); bar_ms = int(head) * 1000 + 1000
def wrk(name):
    text = open(f"{work}/connections-wrk-{name}.txt").read()
    g = lambda p: (re.search(p, text) or [None, "0"])[1]
    def us(v):
        m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
        return float(m[1]) * {"us": 1, "ms": 1e3, "s": 1e6, "m": 6e7}[m[2]] if m else float("nan")
    errors = sum(int(n) for n in re.findall(r"\d+", g(r"Socket errors: (.*)"))) if "Socket errors" in text else 0
    return {"requests": int(g(r"(\d+) requests in")), "rps": float(g(r"Requests/sec:\s+([\d.]+)")),
            "non2xx": int(g(r"Non-2xx or 3xx responses: (\d+)")), "errors": errors,
            "p50": us(g(r"\s50%\s+(\S+)")), "p99": us(g(r"\s99%\s+(\S+)"))}
mib = lambda b: "%.1f" % (b / 1048576)
ms = lambda us: "%.2f" % (us / 1000)
med = statistics.median

print("| round | idle opened, answered 200 | `http.connections` then | heap after full GC: before / with them (MiB) | heap per connection | direct per connection | RSS per connection | /hello p99 alone / with them (ms) | p99 ratio | p50 ratio | req/s ratio | non-2xx / socket errors with them |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
rows = []
for i, rd in enumerate(r["rounds"], 1):
    a, w = wrk(f"alone-{i}"), wrk(f"idle-{i}")
    ok = rd["idle"]["answered"].get("200", 0)
    m0, m1 = rd["statusBase"]["memory"], rd["statusIdleGc"]["memory"]
    per = lambda k: (m1[k] - m0[k]) / ok if ok else float("nan")
    row = {"ok": ok, "sockets": rd["idle"]["sockets"], "open": rd["statusIdleOpen"]["http"]["connections"],
           "heap": per("heapUsed"), "direct": per("directUsed"), "rss": per("rss"), "alone": a, "with": w,
           "p99": w["p99"] / a["p99"], "p50": w["p50"] / a["p50"], "rps": w["rps"] / a["rps"]}
    rows.append(row)
    print(f"| {i} | {ok} / {row['sockets']} in {rd['idle']['openMs'] / 1000:.1f} s | {row['open']} | {mib(m0['heapUsed'])} / {mib(m1['heapUsed'])} | {row['heap']:,.0f} B | {row['direct']:,.0f} B | {row['rss']:,.0f} B | {ms(a['p99'])} / {ms(w['p99'])} | {row['p99']:.2f} | {row['p50']:.2f} | {row['rps']:.2f} | {w['non2xx']} / {w['errors']} |")
n_idle = rows[0]["sockets"]
heap, direct = med(x["heap"] for x in rows), med(x["direct"] for x in rows)
p99_ratio = med(x["p99"] for x in rows)
alone_p99 = med(x["alone"]["p99"] for x in rows)
print()
print(f"**Median over {len(rows)} rounds: {heap:,.0f} B heap and {direct:,.0f} B direct per idle connection"
      f" ({heap * n_idle / 1048576:.1f} MiB of heap for {n_idle}); /hello p99 {ms(alone_p99)} ms alone,"
      f" {ms(med(x['with']['p99'] for x in rows))} ms with them open, median ratio {p99_ratio:.2f}.**"
      " RSS per connection also counts heap pages the JVM touched for the first time; direct is the JVM's direct pool"
      " plus Netty's own counter.")

slow = r["slow"]; during = wrk("slowloris")
st_slow0 = r["rounds"][-1]["statusIdleGc"]["http"]["headTimeouts"]
timeouts = r["statusSlow"]["http"]["headTimeouts"] - st_slow0
print()
print(f"| slowloris ({slow['sockets']} sockets, one header byte a second, the {n_idle} idle still open) | value | bar |")
print("|---|---|---|")
print(f"| opened in | {slow['openMs'] / 1000:.1f} s (connect failed {slow['connectFailed']}) | - |")
print(f"| closed by the server | {slow['closed']} / {slow['sockets']} (still open {int(head) + 4} s after the last one opened: {slow['stillOpen']}) | all |")
print(f"| **closed within headerTimeout + 1 s ({bar_ms / 1000:.0f} s) of their connect** | **{slow['closedWithinBar']} / {slow['sockets']}** | all |")
print(f"| time from connect to close: min / p50 / p99 / **max** | {slow['minMs'] / 1000:.2f} / {slow['p50Ms'] / 1000:.2f} / {slow['p99Ms'] / 1000:.2f} / **{slow['maxMs'] / 1000:.2f} s** | max <= {bar_ms / 1000:.0f} s |")
print(f"| `http.headTimeouts` counted in the phase | {timeouts} | = {slow['sockets']} |")
print(f"| bytes dribbled / bytes the server sent them | {slow['dribbledBytes']} / {slow['bytesAnswered']} | - / 0 (closed without an answer) |")
print(f"| /hello meanwhile: p50 / **p99** (p99 vs median alone {ms(alone_p99)} ms) | {ms(during['p50'])} / **{ms(during['p99'])} ms** ({during['p99'] / alone_p99:.2f}x) | - |")
print(f"| /hello meanwhile: requests / **non-2xx / socket errors** | {during['requests']} / **{during['non2xx']} / {during['errors']}** | - / 0 / 0 |")

extra = r["extra"]
before, after = r["statusBeyondBefore"]["http"], r["statusBeyondAfter"]["http"]
room = before["maxConnections"] - before["connections"]
served = extra["answered"].get("200", 0)
unserved = extra["closedUnanswered"]
refused = after["refusedConnections"] - before["refusedConnections"]
mt = dict(re.findall(r'^(\S+) (\S+)$', metrics, re.M))
m_refused = float(mt.get('bulwark_http_connections_refused_total{reason="max_connections"}', "nan"))
m_timeouts = float(mt.get("bulwark_http_head_timeouts_total", "nan"))
end = r["statusEnd"]["http"]
lines = open(log, errors="replace").read().splitlines()
count = lambda p: sum(1 for l in lines if re.search(p, l))
errors, warns = count(r"^\S+ ERROR "), count(r"^\S+ WARN ")
nofile, oom = count("Too many open files"), count("OutOfMemoryError")
others = dict((k, v) for k, v in extra["answered"].items() if k != "200")
print()
print(f"| beyond maxConnections ({extra['sockets']} more connections sending GET /hello, the idle ones open) | value | bar |")
print("|---|---|---|")
print(f"| open before / `maxConnections` / room | {before['connections']} / {before['maxConnections']} / {room} | - |")
print(f"| answered 200 | {served} (other answers {others}, connect failed {extra['connectFailed']}, pending {extra['pending']}) | = room ({room}) |")
print(f"| closed unanswered | {unserved} | = {extra['sockets']} - room ({extra['sockets'] - room}) |")
print(f"| **`http.refusedConnections` counted** | **{refused}** | = closed unanswered ({unserved}) |")
print(f"| `bulwark_http_connections_refused_total{{reason=\"max_connections\"}}` / `bulwark_http_head_timeouts_total` at the end | {m_refused:.0f} / {m_timeouts:.0f} | = status ({end['refusedConnections']} / {end['headTimeouts']}) |")
print(f"| idle connections the server closed during the whole run | {r['idleClosedByServer']} | 0 |")
print(f"| `http.connections` 1 s after the client closed everything | {end['connections']} | 0 |")
print(f"| **server log: ERROR / WARN lines**, \"Too many open files\", OutOfMemoryError | **{errors} / {warns}**, {nofile}, {oom} | 0 / 0, 0, 0 |")
print(f"| server alive at the end | {alive} | yes |")
checks = {
    "idle opened": all(x["ok"] == x["sockets"] and x["open"] == x["sockets"] for x in rows),
    "idle kept": r["idleClosedByServer"] == 0,
    "/hello with idle": all(x["with"]["non2xx"] == 0 and x["with"]["errors"] == 0 for x in rows),
    "slowloris closed in time": slow["closedWithinBar"] == slow["sockets"] and slow["maxMs"] <= bar_ms,
    "head timeouts counted": timeouts == slow["sockets"],
    "/hello during slowloris": during["non2xx"] == 0 and during["errors"] == 0,
    "refused = unserved": served == room and unserved == extra["sockets"] - room and refused == unserved,
    "metrics = status": m_refused == end["refusedConnections"] and m_timeouts == end["headTimeouts"],
    "connections back to 0": end["connections"] == 0,
    "clean log": errors == 0 and warns == 0 and nofile == 0 and oom == 0,
    "alive": alive == "yes",
}
failed = [k for k, ok in checks.items() if not ok]
print()
print(("**PASS**" if not failed else "**FAIL** (" + ", ".join(failed) + ")")
      + f": {heap:,.0f} B heap and {direct:,.0f} B direct per idle connection (median of {len(rows)});"
      + f" /hello p99 {p99_ratio:.2f}x with {n_idle} idle open (median ratio);"
      + f" {slow['closedWithinBar']}/{slow['sockets']} slowloris closed within {bar_ms / 1000:.0f} s (max {slow['maxMs'] / 1000:.2f} s),"
      + f" /hello p99 {ms(during['p99'])} ms and {during['non2xx'] + during['errors']} errors meanwhile;"
      + f" {refused} refused past maxConnections ({unserved} unanswered); {errors} ERROR lines in the server log.")
PY
  echo
  samples_section connections
}
