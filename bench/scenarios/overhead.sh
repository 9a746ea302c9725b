# overhead: Bulwark's GET /hello with every guardrail and metrics on, against a bare vertx-web router, alternated.
# Rounds alternate which server goes first (AB, BA, AB, ...) so drift on the machine cancels out.
# Then, with the throughput servers stopped, an allocation pass: bytes allocated per request on GET /hello by fresh
# pairs of Bulwark and bare router (one pair after the other) under ALLOC_JVM_FLAGS (serial GC, TLABs off, fixed
# young gen), read from eden with jstat around each wrk run (see alloc_window in lib.sh), minus each server's idle
# allocation over the same time.
# Between the two, a protocol pass: the same comparison over h2c (h2load, prior knowledge), HTTP/2 over TLS (h2load,
# ALPN) and HTTP/1.1 over TLS (wrk), Bulwark with http.h2c or http.tls against the bare router set up the same way;
# reported as rows, with no bar.
# Knobs (env): ROUNDS (8), SECONDS_PER_RUN (8), WARMUP_SECONDS (10), INSTANCES (2), WRK_THREADS (1),
# WRK_CONNECTIONS (32), JVM_FLAGS, PROTOCOL_ROUNDS (3; 0 skips the protocol pass), H2_STREAMS (10: streams per h2load
# connection), ALLOC_PROCESSES (3; 0 skips the pass), ALLOC_RUNS (3), ALLOC_SECONDS (5), ALLOC_JVM_FLAGS, ALLOC_BAR
# (64: the most bytes per request Bulwark may allocate above the bare router).
ALLOC_JVM_FLAGS=${ALLOC_JVM_FLAGS:-"-Xms1g -Xmx1g -Xmn768m -XX:+UseSerialGC -XX:-UseTLAB"}

run_scenario() {
  # Both passes run from one copy of the jar: a rebuild of target/ during the run must not mix two builds.
  cp "$JAR" "$WORK/overhead.jar"
  JAR_SHA=$(sha256sum "$WORK/overhead.jar" | cut -c1-12)
  JAR="$WORK/overhead.jar"
  local header
  header=$(machine_header) # date and commit as of the start, when the jar was copied
  ensure_baseline
  local rounds=${ROUNDS:-8} secs=${SECONDS_PER_RUN:-8} warm=${WARMUP_SECONDS:-10}
  local bport=18080 aport=19090 rport=18081 bpid rpid
  ensure_ports_free $bport $aport $rport
  start_bulwark $bport $aport "$WORK/bulwark.log"
  bpid=$STARTED
  start_bare $rport "$WORK/bare.log"
  rpid=$STARTED
  wait_ready "http://127.0.0.1:$bport/hello"
  wait_ready "http://127.0.0.1:$rport/hello"
  ensure_alive "$bpid" Bulwark
  ensure_alive "$rpid" bare
  run_wrk "http://127.0.0.1:$bport/hello" "$warm" "$WORK/warm-bulwark.txt" >/dev/null
  run_wrk "http://127.0.0.1:$rport/hello" "$warm" "$WORK/warm-bare.txt" >/dev/null

  local rows="" ratios="" brps="" rrps="" cpu_ratios=""
  for i in $(seq 1 "$rounds"); do
    if [ $((i % 2)) -eq 1 ]; then
      measured_run bulwark "$bpid" "$bport" "$secs" "$i"; measured_run bare "$rpid" "$rport" "$secs" "$i"
    else
      measured_run bare "$rpid" "$rport" "$secs" "$i"; measured_run bulwark "$bpid" "$bport" "$secs" "$i"
    fi
    read -r b_rps b_p50 b_p99 b_cpu <"$WORK/bulwark-$i.row"
    read -r r_rps r_p50 r_p99 r_cpu <"$WORK/bare-$i.row"
    ratio=$(awk -v a="$b_rps" -v b="$r_rps" 'BEGIN { printf "%.3f", a / b }')
    cpu_ratio=$(awk -v a="$b_cpu" -v b="$r_cpu" 'BEGIN { printf "%.3f", a / b }')
    rows+="| $i | $b_rps | $b_p50 | $b_p99 | $b_cpu | $r_rps | $r_p50 | $r_p99 | $r_cpu | $ratio | $cpu_ratio |"$'\n'
    ratios+="$ratio"$'\n'; brps+="$b_rps"$'\n'; rrps+="$r_rps"$'\n'; cpu_ratios+="$cpu_ratio"$'\n'
  done
  local med_ratio med_b med_r med_cpu
  med_ratio=$(printf '%s' "$ratios" | median | xargs printf '%.3f')
  med_b=$(printf '%s' "$brps" | median | xargs printf '%.0f')
  med_r=$(printf '%s' "$rrps" | median | xargs printf '%.0f')
  med_cpu=$(printf '%s' "$cpu_ratios" | median | xargs printf '%.3f')
  stop_server "$bpid"
  stop_server "$rpid"
  # Into files, not $(...): the servers they start must stay visible to the EXIT trap.
  : >"$WORK/overhead-protocols.md"
  if [ "${PROTOCOL_ROUNDS:-3}" -gt 0 ]; then
    protocol_pass "$warm" >"$WORK/overhead-protocols.md"
  fi
  : >"$WORK/overhead-alloc.md"
  if [ "${ALLOC_PROCESSES:-3}" -gt 0 ] && [ "${ALLOC_RUNS:-3}" -gt 0 ]; then
    alloc_pass "$warm" >"$WORK/overhead-alloc.md"
  fi

  echo "# overhead: Bulwark GET /hello vs bare vertx-web"
  echo
  printf '%s\n' "$header"
  echo "- command: \`ROUNDS=$rounds SECONDS_PER_RUN=$secs WARMUP_SECONDS=$warm INSTANCES=${INSTANCES:-2} PROTOCOL_ROUNDS=${PROTOCOL_ROUNDS:-3} H2_STREAMS=${H2_STREAMS:-10} ALLOC_PROCESSES=${ALLOC_PROCESSES:-3} ALLOC_RUNS=${ALLOC_RUNS:-3} ALLOC_SECONDS=${ALLOC_SECONDS:-5} bench/run overhead\`"
  echo "- load: \`wrk -t${WRK_THREADS:-1} -c${WRK_CONNECTIONS:-32} -d${secs}s --latency http://127.0.0.1:PORT/hello\`, alternated (odd rounds Bulwark first, even rounds bare first), after ${warm}s warm-up each"
  echo "- jar: a copy of \`${JAR_PATH:-target/bulwark.jar}\` taken at the start, sha256 $JAR_SHA..."
  echo "- Bulwark: \`java $JVM_FLAGS -jar target/bulwark.jar\` on built-in defaults (metrics, JVM meters, admission, body limit, admin port all on), ${INSTANCES:-2} event loops"
  echo "- bare: \`java $JVM_FLAGS -cp target/bulwark.jar:bench/work/classes BareHello\` (bench/baseline/BareHello.java), ${INSTANCES:-2} event loops"
  echo
  echo "- CPU ns/req: the server process's CPU time (user + system, all its threads, from /proc/PID/stat) over the wrk run, divided by the requests wrk counted; steadier than req/s on a machine whose two cores wrk shares"
  echo
  echo "| round | Bulwark req/s | p50 us | p99 us | CPU ns/req | bare req/s | p50 us | p99 us | CPU ns/req | Bulwark/bare req/s | Bulwark/bare CPU per request |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "**Median of per-round ratios Bulwark/bare: $med_ratio** ($(printf '%s' "$ratios" | spread) over the rounds; median req/s: Bulwark $med_b, bare $med_r). **CPU per request, Bulwark/bare: $med_cpu** ($(printf '%s' "$cpu_ratios" | spread))."
  if [ -s "$WORK/overhead-protocols.md" ]; then
    echo
    cat "$WORK/overhead-protocols.md"
  fi
  if [ -s "$WORK/overhead-alloc.md" ]; then
    echo
    cat "$WORK/overhead-alloc.md"
  fi
}

# measured_run NAME PID PORT SECONDS ROUND: one wrk run against the server, its row "req/s p50 p99 cpu_ns_per_request"
# into WORK/NAME-ROUND.row (a file: the servers must stay this shell's children for the EXIT trap).
measured_run() {
  local name=$1 pid=$2 port=$3 secs=$4 round=$5 before after line
  before=$(cpu_ticks "$pid")
  line=$(run_wrk "http://127.0.0.1:$port/hello" "$secs" "$WORK/$name-$round.txt")
  after=$(cpu_ticks "$pid")
  echo "$line $(cpu_ns_per_request "$before" "$after" "$WORK/$name-$round.txt")" >"$WORK/$name-$round.row"
}

# protocol_pass WARMUP_SECONDS: for h2c, then TLS, a fresh Bulwark (BULWARK_HTTP_H2C, or BULWARK_HTTP_TLS_* with a
# self-signed certificate made by make_cert) and a bare router set up the same way (BareHello h2c / tls), warmed up
# with each load, then PROTOCOL_ROUNDS rounds per load, alternated as the main rounds are. Loads: h2c and h2 with
# h2load (its mean time per request as latency), HTTP/1.1 over TLS with wrk (its p50). Prints the protocol section.
protocol_pass() {
  local warm=$1 rounds=${PROTOCOL_ROUNDS:-3} secs=${SECONDS_PER_RUN:-8}
  local bport=18084 aport=19094 rport=18085 bpid rpid mode load i rows="" summary=""
  local tls_dir="$WORK/tls"
  ensure_command h2load nghttp2-client
  make_cert "$tls_dir"
  for mode in h2c tls; do
    ensure_ports_free $bport $aport $rport
    if [ "$mode" = h2c ]; then
      BULWARK_HTTP_H2C=true start_bulwark $bport $aport "$WORK/protocol-bulwark-h2c.log"
      bpid=$STARTED
      BARE_ARGS=h2c start_bare $rport "$WORK/protocol-bare-h2c.log"
    else
      BULWARK_HTTP_TLS_ENABLED=true BULWARK_HTTP_TLS_CERT_FILE="$tls_dir/cert.pem" \
        BULWARK_HTTP_TLS_KEY_FILE="$tls_dir/key.pem" start_bulwark $bport $aport "$WORK/protocol-bulwark-tls.log"
      bpid=$STARTED
      BARE_ARGS="tls $tls_dir/cert.pem $tls_dir/key.pem" start_bare $rport "$WORK/protocol-bare-tls.log"
    fi
    rpid=$STARTED
    local scheme=http
    [ "$mode" = tls ] && scheme=https
    wait_ready "$scheme://127.0.0.1:$bport/hello"
    wait_ready "$scheme://127.0.0.1:$rport/hello"
    ensure_alive "$bpid" Bulwark
    ensure_alive "$rpid" bare
    local loads=h2c
    [ "$mode" = tls ] && loads="h2 https1"
    for load in $loads; do
      protocol_load "$load" "$scheme://127.0.0.1:$bport/hello" "$warm" "$WORK/protocol-warm-bulwark-$load.txt" >/dev/null
      protocol_load "$load" "$scheme://127.0.0.1:$rport/hello" "$warm" "$WORK/protocol-warm-bare-$load.txt" >/dev/null
      local ratios="" b_rps b_lat r_rps r_lat ratio
      for i in $(seq 1 "$rounds"); do
        if [ $((i % 2)) -eq 1 ]; then
          read -r b_rps b_lat < <(protocol_load "$load" "$scheme://127.0.0.1:$bport/hello" "$secs" "$WORK/protocol-bulwark-$load-$i.txt")
          read -r r_rps r_lat < <(protocol_load "$load" "$scheme://127.0.0.1:$rport/hello" "$secs" "$WORK/protocol-bare-$load-$i.txt")
        else
          read -r r_rps r_lat < <(protocol_load "$load" "$scheme://127.0.0.1:$rport/hello" "$secs" "$WORK/protocol-bare-$load-$i.txt")
          read -r b_rps b_lat < <(protocol_load "$load" "$scheme://127.0.0.1:$bport/hello" "$secs" "$WORK/protocol-bulwark-$load-$i.txt")
        fi
        ratio=$(awk -v a="$b_rps" -v b="$r_rps" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
        rows+="| $load | $i | $b_rps | $b_lat | $r_rps | $r_lat | $ratio |"$'\n'
        ratios+="$ratio"$'\n'
      done
      summary+="$load $(printf '%s' "$ratios" | median | xargs printf '%.3f'); "
    done
    stop_server "$bpid"
    stop_server "$rpid"
  done

  echo "## Over other protocols: GET /hello (reported, no bar)"
  echo
  echo "- servers: after the throughput rounds, a fresh pair per mode with \`$JVM_FLAGS\` and \`INSTANCES=${INSTANCES:-2}\`: Bulwark with \`BULWARK_HTTP_H2C=true\`, then with \`BULWARK_HTTP_TLS_ENABLED=true\` and a self-signed EC P-256 certificate (openssl, PEM); bare as \`BareHello PORT INSTANCES h2c\` / \`tls CERT KEY\` (same Vert.x options: h2c on, or TLS with ALPN on the JDK engine)"
  echo "- load: h2c and h2 (ALPN): \`h2load -t${WRK_THREADS:-1} -c${WRK_CONNECTIONS:-32} -m${H2_STREAMS:-10} -D $secs URL\` (latency: h2load's mean time per request); https1: \`wrk -t${WRK_THREADS:-1} -c${WRK_CONNECTIONS:-32} -d${secs}s --latency https://...\` (latency: p50); $rounds rounds per load, alternated, after ${warm}s warm-up each"
  echo
  echo "| protocol | round | Bulwark req/s | latency us | bare req/s | latency us | Bulwark/bare |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "**Median of per-round ratios Bulwark/bare by protocol: ${summary%; }.**"
}

# protocol_load LOAD URL SECONDS OUTFILE: one run of LOAD (h2c, h2: h2load; https1: wrk); prints "req/s latency_us".
protocol_load() {
  local load=$1 url=$2 secs=$3 out=$4 rps p50 p99
  if [ "$load" = https1 ]; then
    read -r rps p50 p99 < <(run_wrk "$url" "$secs" "$out")
    echo "$rps $p50"
  else
    run_h2load "$url" "$secs" "$out"
  fi
}

# alloc_pass WARMUP_SECONDS: ALLOC_PROCESSES times, a fresh pair of servers under ALLOC_JVM_FLAGS (same INSTANCES and
# wrk settings, warmed up the same way), an idle window each, then ALLOC_RUNS loaded windows each, alternated.
# Fresh processes because the figure is steady within one JVM (to a byte) but can differ between two JVMs by a few
# dozen bytes, as the JIT does or does not scalar-replace an object; the summary is the median over processes of each
# process's median. Prints the allocation section.
alloc_pass() {
  local warm=$1 procs=${ALLOC_PROCESSES:-3} runs=${ALLOC_RUNS:-3} asecs=${ALLOC_SECONDS:-5} bar=${ALLOC_BAR:-64}
  local bport=18082 aport=19092 rport=18083 bpid rpid p i
  local burl="http://127.0.0.1:$bport/hello" rurl="http://127.0.0.1:$rport/hello"
  local rows="" idles="" pb="" pr="" pd=""
  for p in $(seq 1 "$procs"); do
    ensure_ports_free $bport $aport $rport
    JVM_FLAGS=$ALLOC_JVM_FLAGS start_bulwark $bport $aport "$WORK/alloc-bulwark-p$p.log"
    bpid=$STARTED
    JVM_FLAGS=$ALLOC_JVM_FLAGS start_bare $rport "$WORK/alloc-bare-p$p.log"
    rpid=$STARTED
    wait_ready "$burl"
    wait_ready "$rurl"
    ensure_alive "$bpid" Bulwark
    ensure_alive "$rpid" bare
    run_wrk "$burl" "$warm" "$WORK/alloc-warm-bulwark-p$p.txt" >/dev/null
    run_wrk "$rurl" "$warm" "$WORK/alloc-warm-bare-p$p.txt" >/dev/null

    # Idle baseline: allocation with no load (memory monitor, meters, JVM threads), as bytes per second.
    local b_idle r_idle b_idle_rate r_idle_rate
    b_idle=$(alloc_window "$bpid" "$asecs")
    r_idle=$(alloc_window "$rpid" "$asecs")
    b_idle_rate=$(awk -v l="$b_idle" 'BEGIN { split(l, f, " "); printf "%.0f", f[1] / (f[5] / 1000) }')
    r_idle_rate=$(awk -v l="$r_idle" 'BEGIN { split(l, f, " "); printf "%.0f", f[1] / (f[5] / 1000) }')
    idles+="process $p: Bulwark $b_idle_rate B/s, bare $r_idle_rate B/s; "

    local bvals="" rvals="" dvals="" bl rl
    for i in $(seq 1 "$runs"); do
      if [ $((i % 2)) -eq 1 ]; then
        bl=$(alloc_window "$bpid" "$asecs" "$burl" "$WORK/alloc-bulwark-p$p-$i.txt")
        rl=$(alloc_window "$rpid" "$asecs" "$rurl" "$WORK/alloc-bare-p$p-$i.txt")
      else
        rl=$(alloc_window "$rpid" "$asecs" "$rurl" "$WORK/alloc-bare-p$p-$i.txt")
        bl=$(alloc_window "$bpid" "$asecs" "$burl" "$WORK/alloc-bulwark-p$p-$i.txt")
      fi
      # per request = (bytes - idle rate x window) / requests; a window with a full GC, no request or a non-2xx
      # answer (shed load takes another path) is left out of the medians.
      local row bv rv dv
      row=$(awk -v b="$bl" -v r="$rl" -v bi="$b_idle_rate" -v ri="$r_idle_rate" -v p="$p" -v i="$i" 'BEGIN {
        split(b, B, " "); split(r, R, " ");
        bok = B[2] > 0 && B[4] == 0 && B[6] == 0; rok = R[2] > 0 && R[4] == 0 && R[6] == 0;
        bp = bok ? (B[1] - bi * B[5] / 1000) / B[2] : 0; rp = rok ? (R[1] - ri * R[5] / 1000) / R[2] : 0;
        note = "";
        if (!bok) note = note sprintf(" Bulwark left out (full GCs %d, non-2xx %d);", B[4], B[6]);
        if (!rok) note = note sprintf(" bare left out (full GCs %d, non-2xx %d);", R[4], R[6]);
        if (B[7] + R[7] > 0) note = note sprintf(" socket errors: Bulwark %d, bare %d;", B[7], R[7]);
        printf "%s@%s@%s@| %d | %d | %d | %d | %s | %d | %d | %s | %s |%s |\n", bok ? sprintf("%.1f", bp) : "",
          rok ? sprintf("%.1f", rp) : "", (bok && rok) ? sprintf("%.1f", bp - rp) : "",
          p, i, B[2], B[3], bok ? sprintf("%.1f", bp) : "n/a", R[2], R[3], rok ? sprintf("%.1f", rp) : "n/a",
          (bok && rok) ? sprintf("%+.1f", bp - rp) : "n/a", note }')
      IFS='@' read -r bv rv dv _ <<<"$row"
      [ -n "$bv" ] && bvals+="$bv"$'\n'
      [ -n "$rv" ] && rvals+="$rv"$'\n'
      [ -n "$dv" ] && dvals+="$dv"$'\n'
      rows+="${row#*@*@*@}"$'\n'
      echo "bench: allocation process $p run $i: Bulwark ${bv:-n/a} B/req, bare ${rv:-n/a} B/req" >&2
    done
    stop_server "$bpid"
    stop_server "$rpid"
    [ -n "$bvals" ] && pb+="$(printf '%s' "$bvals" | median)"$'\n'
    [ -n "$rvals" ] && pr+="$(printf '%s' "$rvals" | median)"$'\n'
    [ -n "$dvals" ] && pd+="$(printf '%s' "$dvals" | median)"$'\n'
  done

  echo "## Allocation per request: GET /hello"
  echo
  echo "- servers: after the throughput rounds (their servers stopped first), $procs fresh pairs of Bulwark and bare processes, one pair at a time, same \`INSTANCES=${INSTANCES:-2}\` and built-in defaults, with \`$ALLOC_JVM_FLAGS\` instead of the throughput flags, each warmed up ${warm}s like the throughput servers"
  echo "- load: \`wrk -t${WRK_THREADS:-1} -c${WRK_CONNECTIONS:-32} -d${asecs}s --latency http://127.0.0.1:PORT/hello\`, $runs runs per server per process, alternated (odd runs Bulwark first)"
  echo "- measure: \`jcmd PID GC.run\`, 1 s, \`jstat -gc PID\`, wrk, 1 s, \`jstat -gc PID\`; bytes = (EU after - EU before + young GCs x EC) x 1024 (TLABs off: eden grows by exactly what is allocated); per request = (bytes - idle rate x window) / wrk's request count"
  echo "- idle (same window with no load, subtracted): ${idles%; }"
  echo
  echo "| process | run | Bulwark requests | Bulwark young GCs | Bulwark B/req | bare requests | bare young GCs | bare B/req | Bulwark - bare B/req | notes |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  if [ -z "$pd" ]; then
    echo "**No valid allocation run: see the notes.**"
    return 0
  fi
  local mb mr md spread_b spread_r spread_d verdict n
  n=$(printf '%s' "$pd" | wc -l)
  mb=$(printf '%s' "$pb" | median | xargs printf '%.1f')
  mr=$(printf '%s' "$pr" | median | xargs printf '%.1f')
  md=$(printf '%s' "$pd" | median | xargs printf '%.1f')
  spread_b=$(printf '%s' "$pb" | spread "%.1f-%.1f")
  spread_r=$(printf '%s' "$pr" | spread "%.1f-%.1f")
  spread_d=$(printf '%s' "$pd" | spread "%+.1f to %+.1f")
  verdict=$(awk -v d="$md" -v bar="$bar" 'BEGIN { print (d <= bar) ? "within" : "OVER" }')
  echo "**Bytes allocated per request on GET /hello (median over $n process pairs of each pair's median; min-max over the pairs): Bulwark $mb ($spread_b), bare $mr ($spread_r); difference Bulwark - bare $md ($spread_d): $verdict the bar of $bar B/request.**"
}
