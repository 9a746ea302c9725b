# hostile: the hostile-client suite's generator (src/test/java/dev/bulwark/testing/MalformedRequests.java) sends
# malformed HTTP/1.1 requests of every shape to every route family of one running jar, 16 at a time, each on its own
# connection, and checks GET /hello after each batch. Bars: no answer >= 500, no request left unanswered and open,
# no ERROR line or stack trace in the server's log, log growth under 100 KB, /hello answered after every batch.
# Knobs (env): TOTAL (10000), BATCH (1000), SEED (1).
run_scenario() {
  local total=${TOTAL:-10000} batch=${BATCH:-1000} seed=${SEED:-1} port=18093
  mkdir -p "$WORK/classes"
  javac -nowarn -d "$WORK/classes" "$ROOT/src/test/java/dev/bulwark/testing/MalformedRequests.java"
  start_bulwark $port 19093 "$WORK/hostile-bulwark.log"
  local pid=$STARTED
  wait_ready "http://127.0.0.1:$port/hello"
  local before after result errors traces
  before=$(stat -c %s "$WORK/hostile-bulwark.log")
  result=$(java -cp "$WORK/classes" dev.bulwark.testing.MalformedRequests 127.0.0.1 $port "$total" "$seed" "$batch")
  sleep 1
  after=$(stat -c %s "$WORK/hostile-bulwark.log")
  errors=$(grep -c " ERROR " "$WORK/hostile-bulwark.log" || true)
  traces=$(grep -cE "^\s+at |Exception" "$WORK/hostile-bulwark.log" || true)
  stop_server "$pid"

  echo "# hostile: $total malformed requests against one running jar"
  echo
  machine_header
  echo "- command: \`TOTAL=$total BATCH=$batch SEED=$seed bench/run hostile\`"
  echo "- server: \`java $JVM_FLAGS -jar target/bulwark.jar\` on built-in defaults"
  echo "- load: \`java dev.bulwark.testing.MalformedRequests 127.0.0.1 PORT $total $seed $batch\` (the suite's generator), 16 connections at a time, one request each; GET /hello after every $batch"
  echo
  python3 - "$result" "$((after - before))" "$errors" "$traces" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); growth, errors, traces = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = r["statuses"]
five = sum(v for k, v in s.items() if k.isdigit() and int(k) >= 500)
print("| figure | value | bar |")
print("|---|---|---|")
print("| answers by status | " + ", ".join(f"{k}: {v}" for k, v in sorted(s.items())) + " | - |")
print(f"| answers >= 500 | {five} | 0 |")
print(f"| neither answered nor closed in 7 s (headerTimeout 5 s) | {s.get('timeout', 0)} | 0 |")
print(f"| GET /hello failures after a batch | {r['helloFailures']} | 0 |")
print(f"| ERROR lines / stack-trace lines in the server log | {errors} / {traces} | 0 / 0 |")
print(f"| server log growth | {growth / 1024:.1f} KB | < 100 KB |")
PY
}
