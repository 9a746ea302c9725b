# overhead: Bulwark's GET /hello with every guardrail and metrics on, against a bare vertx-web router, alternated.
# Rounds alternate which server goes first (AB, BA, AB, ...) so drift on the machine cancels out.
# Knobs (env): ROUNDS (8), SECONDS_PER_RUN (8), WARMUP_SECONDS (10), INSTANCES (2), WRK_THREADS (1),
# WRK_CONNECTIONS (32), JVM_FLAGS.
run_scenario() {
  ensure_baseline
  local rounds=${ROUNDS:-8} secs=${SECONDS_PER_RUN:-8} warm=${WARMUP_SECONDS:-10}
  local bport=18080 aport=19090 rport=18081
  start_bulwark $bport $aport "$WORK/bulwark.log"
  start_bare $rport "$WORK/bare.log"
  wait_ready "http://127.0.0.1:$bport/hello"
  wait_ready "http://127.0.0.1:$rport/hello"
  run_wrk "http://127.0.0.1:$bport/hello" "$warm" "$WORK/warm-bulwark.txt" >/dev/null
  run_wrk "http://127.0.0.1:$rport/hello" "$warm" "$WORK/warm-bare.txt" >/dev/null

  local rows="" b r ratios="" brps="" rrps=""
  for i in $(seq 1 "$rounds"); do
    if [ $((i % 2)) -eq 1 ]; then
      read -r b_rps b_p50 b_p99 < <(run_wrk "http://127.0.0.1:$bport/hello" "$secs" "$WORK/bulwark-$i.txt")
      read -r r_rps r_p50 r_p99 < <(run_wrk "http://127.0.0.1:$rport/hello" "$secs" "$WORK/bare-$i.txt")
    else
      read -r r_rps r_p50 r_p99 < <(run_wrk "http://127.0.0.1:$rport/hello" "$secs" "$WORK/bare-$i.txt")
      read -r b_rps b_p50 b_p99 < <(run_wrk "http://127.0.0.1:$bport/hello" "$secs" "$WORK/bulwark-$i.txt")
    fi
    ratio=$(awk -v a="$b_rps" -v b="$r_rps" 'BEGIN { printf "%.3f", a / b }')
    rows+="| $i | $b_rps | $b_p50 | $b_p99 | $r_rps | $r_p50 | $r_p99 | $ratio |"$'\n'
    ratios+="$ratio"$'\n'; brps+="$b_rps"$'\n'; rrps+="$r_rps"$'\n'
  done
  local med_ratio med_b med_r
  med_ratio=$(printf '%s' "$ratios" | median | xargs printf '%.3f')
  med_b=$(printf '%s' "$brps" | median | xargs printf '%.0f')
  med_r=$(printf '%s' "$rrps" | median | xargs printf '%.0f')

  echo "# overhead: Bulwark GET /hello vs bare vertx-web"
  echo
  machine_header
  echo "- command: \`ROUNDS=$rounds SECONDS_PER_RUN=$secs WARMUP_SECONDS=$warm INSTANCES=${INSTANCES:-2} bench/run overhead\`"
  echo "- load: \`wrk -t${WRK_THREADS:-1} -c${WRK_CONNECTIONS:-32} -d${secs}s --latency http://127.0.0.1:PORT/hello\`, alternated (odd rounds Bulwark first, even rounds bare first), after ${warm}s warm-up each"
  echo "- Bulwark: \`java $JVM_FLAGS -jar target/bulwark.jar\` on built-in defaults (metrics, JVM meters, admission, body limit, admin port all on), ${INSTANCES:-2} event loops"
  echo "- bare: \`java $JVM_FLAGS -cp target/bulwark.jar:bench/work/classes BareHello\` (bench/baseline/BareHello.java), ${INSTANCES:-2} event loops"
  echo
  echo "| round | Bulwark req/s | p50 us | p99 us | bare req/s | p50 us | p99 us | Bulwark/bare |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "**Median of per-round ratios Bulwark/bare: $med_ratio** (median req/s: Bulwark $med_b, bare $med_r)."
}
