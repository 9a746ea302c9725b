# startup: cold start of the fat jar to the first 200 on GET /hello, and heap in use after a full GC at idle.
# Knobs (env): RUNS (5), JVM_FLAGS.
run_scenario() {
  local runs=${RUNS:-5} port=18090 aport=19091 rows="" times="" heaps=""
  for i in $(seq 1 "$runs"); do
    local t0 pid ms heap
    t0=$(date +%s%N)
    start_bulwark $port $aport "$WORK/startup-$i.log"
    pid=$STARTED
    wait_ready "http://127.0.0.1:$port/hello" 3000
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    sleep 2 # let start-up settle before measuring idle heap
    jcmd "$pid" GC.run >/dev/null
    heap=$(jcmd "$pid" GC.heap_info | awk '/garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K,?/, "", v); printf "%.1f", v / 1024 } }')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rows+="| $i | $ms | $heap |"$'\n'
    times+="$ms"$'\n'; heaps+="$heap"$'\n'
  done
  echo "# startup: cold start to first 200, heap after full GC at idle"
  echo
  machine_header
  echo "- command: \`RUNS=$runs bench/run startup\`"
  echo "- start: \`java $JVM_FLAGS -jar target/bulwark.jar\` on built-in defaults; time from launch to the first 200 on /hello (curl polling every 10 ms)"
  echo "- heap: \`jcmd PID GC.run\` 2 s after the first 200, then used heap from \`jcmd PID GC.heap_info\`"
  echo
  echo "| run | start to first 200 (ms) | heap used after full GC (MiB) |"
  echo "|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "**Median: $(printf '%s' "$times" | median) ms to first 200; $(printf '%s' "$heaps" | median) MiB heap after full GC at idle.**"
}
