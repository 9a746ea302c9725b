# startup: cold start to the first 200 on GET /hello, and heap in use after a full GC at idle, for each way to start:
# plain java -jar and bin/bulwark (class-data archive) on Java 17, and the same on JDK 25 (AOT cache) when one is
# installed. Each Bulwark start alternates with a start of the bare vertx-web hello (bench/baseline/BareHello.java)
# the same way: plain, or from an archive of its own made by the same JVM flag on a short run of its own.
# Knobs (env): RUNS (5), JVM_FLAGS, JDK25 (a java of JDK 25 or later; default: the newest in /usr/lib/jvm, if any).
STARTUP_PORT=18090
STARTUP_ADMIN=19091

run_scenario() {
  local runs=${RUNS:-5} java17 java25 bare_jar="$WORK/bare-hello.jar"
  java17=$(command -v java)
  java25=${JDK25:-$(newest_jdk 25)}
  ensure_baseline
  (cd "$WORK/classes" && jar cf "$bare_jar" BareHello*.class) # the JVM archives classes from jars only
  rm -rf "$WORK/cds" "$WORK"/bare-*.jsa "$WORK"/bare-*.aot
  ROWS="" DETAIL="" TRAINING=""
  startup_variant "Java 17, \`java -jar\`" plain "$java17" "$runs" "$bare_jar"
  startup_variant "Java 17, \`bin/bulwark\` (class-data archive)" archive "$java17" "$runs" "$bare_jar"
  if [ -n "$java25" ]; then
    startup_variant "JDK 25, \`java -jar\`" plain "$java25" "$runs" "$bare_jar"
    startup_variant "JDK 25, \`bin/bulwark\` (AOT cache)" archive "$java25" "$runs" "$bare_jar"
  fi
  echo "# startup: cold start to the first 200, heap after a full GC at idle"
  echo
  machine_header
  echo "- JDK 25: ${java25:-none found (set JDK25=/path/to/java)}${java25:+ ($("$java25" -version 2>&1 | head -1))}"
  echo "- command: \`RUNS=$runs bench/run startup\`"
  echo "- start: time from launch to the first 200 on /hello (curl polling every 10 ms), built-in defaults, 2 event"
  echo "  loops. Bulwark by \`java \$JVM_FLAGS -jar\`, or by \`JAVA_OPTS=\$JVM_FLAGS bin/bulwark\` (launcher included)"
  echo "  from an archive made beforehand by \`bin/bulwark --make-archive\` (and from the jar's parts beside it). The"
  echo "  bare hello runs the same way from the fat jar (\`-cp bulwark.jar:bare-hello.jar\`), its archive recorded by"
  echo "  \`-XX:ArchiveClassesAtExit\` or \`-XX:AOTCacheOutput\` over 20 requests."
  echo "- heap: \`jcmd PID GC.run\` (a full GC) 2 s after the first 200. \"live\": what the full GC left, the old"
  echo "  generation's occupancy right after it (\`jstat -gc PID\`, OU): the bar. \"used\": \`jcmd PID GC.heap_info\`"
  echo "  just after, which also counts, whole, each allocation buffer (TLAB) a thread took since the GC: 0.1-0.5 MiB"
  echo "  apiece, so it moves by a MiB from run to run with what happened to run in that half second. \"objects\":"
  echo "  the live objects' bytes (\`jcmd PID GC.class_histogram\` total), without what G1 counts around them (a"
  echo "  humongous object's whole region, partly filled regions after the compaction): the steadiest of the three."
  echo "- runs alternate Bulwark, bare, Bulwark, bare...; median (min-max) of $runs each"
  echo
  echo "| start | Bulwark ms | bare ms | Bulwark / bare | Bulwark live MiB | bare live MiB | Bulwark used MiB | bare used MiB | Bulwark objects MiB | bare objects MiB |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$ROWS"
  echo
  echo "Making the archive (the first start with \`bin/bulwark\`, once per jar, JVM and options):"
  echo
  printf '%s' "$TRAINING"
  echo
  echo "Every run:"
  echo
  echo "| start | run | Bulwark ms | live MiB | used MiB | objects MiB | bare ms | live MiB | used MiB | objects MiB |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$DETAIL"
}

# startup_variant LABEL plain|archive JAVA RUNS BARE_JAR: RUNS alternating starts; adds a row to ROWS and DETAIL.
startup_variant() {
  local label=$1 mode=$2 java=$3 runs=$4 bare_jar=$5 bms="" blive="" bused="" bobj="" rms="" rlive="" rused="" robj="" i
  if [ "$mode" = archive ]; then
    prepare_archives "$label" "$java" "$bare_jar"
  fi
  for i in $(seq 1 "$runs"); do
    timed_start bulwark "$mode" "$java" "$bare_jar" "$WORK/startup-bulwark-$i.log"
    bms+="$T_MS"$'\n'; blive+="$T_LIVE"$'\n'; bused+="$T_USED"$'\n'; bobj+="$T_OBJECTS"$'\n'
    DETAIL+="| $label | $i | $T_MS | $T_LIVE | $T_USED | $T_OBJECTS |"
    timed_start bare "$mode" "$java" "$bare_jar" "$WORK/startup-bare-$i.log"
    rms+="$T_MS"$'\n'; rlive+="$T_LIVE"$'\n'; rused+="$T_USED"$'\n'; robj+="$T_OBJECTS"$'\n'
    DETAIL+=" $T_MS | $T_LIVE | $T_USED | $T_OBJECTS |"$'\n'
  done
  local bm rm
  bm=$(printf '%s' "$bms" | median); rm=$(printf '%s' "$rms" | median)
  ROWS+="| $label | **$bm** ($(printf "%s" "$bms" | spread)) | $rm ($(printf "%s" "$rms" | spread)) | $(awk -v a="$bm" -v b="$rm" 'BEGIN { printf "%.2f", a / b }')"
  ROWS+=" | **$(printf '%s' "$blive" | median)** ($(printf "%s" "$blive" | spread)) | $(printf '%s' "$rlive" | median) ($(printf "%s" "$rlive" | spread))"
  ROWS+=" | $(printf '%s' "$bused" | median) ($(printf "%s" "$bused" | spread)) | $(printf '%s' "$rused" | median) ($(printf "%s" "$rused" | spread))"
  ROWS+=" | $(printf '%s' "$bobj" | median) ($(printf "%s" "$bobj" | spread)) | $(printf '%s' "$robj" | median) ($(printf "%s" "$robj" | spread)) |"$'\n'
}

# prepare_archives LABEL JAVA BARE_JAR: Bulwark's archive by the launcher (timed: a first start pays it once), and
# the bare hello's by the same JVM flag over a short run.
prepare_archives() {
  local label=$1 java=$2 bare_jar=$3 t0 record
  t0=$(date +%s%N)
  JAVA="$java" JAVA_OPTS="$JVM_FLAGS" BULWARK_JAR="$JAR" BULWARK_CDS_DIR="$WORK/cds" "$ROOT/bin/bulwark" --make-archive \
    2>"$WORK/startup-make-archive.log"
  TRAINING+="- $label: \`bin/bulwark --make-archive\` took $(( ($(date +%s%N) - t0) / 1000000 )) ms;"
  TRAINING+=" $(sed -n 's/^bulwark: made class-data archive //p' "$WORK/startup-make-archive.log" | xargs -r du -m | cut -f1) MB"$'\n'
  record=$(archive_flags "$java" "$bare_jar" | cut -d ' ' -f 1)
  (cd "$WORK" && exec "$java" $JVM_FLAGS "$record" -cp "$JAR:$bare_jar" BareHello $STARTUP_PORT 2 \
    >"$WORK/startup-bare-train.log" 2>&1) &
  STARTED=$!; PIDS+=("$STARTED")
  wait_ready "http://127.0.0.1:$STARTUP_PORT/hello" 3000
  for _ in $(seq 1 20); do curl -s -o /dev/null "http://127.0.0.1:$STARTUP_PORT/hello"; done
  stop_server "$STARTED"
}

# archive_flags JAVA BARE_JAR: "RECORD USE" flags for the bare hello's archive on this JVM.
archive_flags() {
  local name="$WORK/bare-$(basename "$(dirname "$(dirname "$(readlink -f "$1")")")")"
  if [ "$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')" -ge 25 ]; then
    echo "-XX:AOTCacheOutput=$name.aot -XX:AOTCache=$name.aot"
  else
    echo "-XX:ArchiveClassesAtExit=$name.jsa -XX:SharedArchiveFile=$name.jsa"
  fi
}

# timed_start bulwark|bare plain|archive JAVA BARE_JAR LOG: one start; T_MS to the first 200, T_LIVE, T_USED and
# T_OBJECTS (MiB) after a full GC.
timed_start() {
  local who=$1 mode=$2 java=$3 bare_jar=$4 log=$5 t0 pid use
  ensure_ports_free $STARTUP_PORT $STARTUP_ADMIN
  t0=$(date +%s%N)
  if [ "$who" = bulwark ] && [ "$mode" = archive ]; then
    JAVA="$java" JAVA_OPTS="$JVM_FLAGS" BULWARK_JAR="$JAR" BULWARK_CDS_DIR="$WORK/cds" LAUNCHER="$ROOT/bin/bulwark" \
      BULWARK_SHUTDOWN_READINESS_GRACE=0s INSTANCES=2 start_bulwark $STARTUP_PORT $STARTUP_ADMIN "$log"
  elif [ "$who" = bulwark ]; then
    JAVA="$java" BULWARK_SHUTDOWN_READINESS_GRACE=0s INSTANCES=2 start_bulwark $STARTUP_PORT $STARTUP_ADMIN "$log"
  else
    use=""
    if [ "$mode" = archive ]; then use=$(archive_flags "$java" "$bare_jar" | cut -d ' ' -f 2); fi
    (cd "$WORK" && exec "$java" $JVM_FLAGS $use -cp "$JAR:$bare_jar" BareHello $STARTUP_PORT 2 >"$log" 2>&1) &
    STARTED=$!; PIDS+=("$STARTED")
  fi
  pid=$STARTED
  wait_ready "http://127.0.0.1:$STARTUP_PORT/hello" 3000
  T_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  sleep 2 # let start-up settle before measuring idle heap
  local bin
  bin=$(dirname "$(readlink -f "$java")")
  "$bin/jcmd" "$pid" GC.run >/dev/null
  T_LIVE=$("$bin/jstat" -gc "$pid" | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "OU") c = i }
    NR == 2 { printf "%.2f", $c / 1024 }')
  T_USED=$("$bin/jcmd" "$pid" GC.heap_info | awk '/garbage-first heap/ {
    for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K,?/, "", v); printf "%.1f", v / 1024 } }')
  T_OBJECTS=$("$bin/jcmd" "$pid" GC.class_histogram | awk '/^Total/ { printf "%.2f", $3 / 1048576 }')
  stop_server "$pid"
}

# newest_jdk MIN: the java of the newest JDK in /usr/lib/jvm whose feature version is at least MIN, if any.
newest_jdk() {
  local release v best="" bestv=0
  for release in /usr/lib/jvm/*/release; do
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
    if [ -n "$v" ] && [ "$v" -ge "$1" ] && [ "$v" -gt "$bestv" ] && [ -x "$(dirname "$release")/bin/java" ]; then
      best="$(dirname "$release")/bin/java"; bestv=$v
    fi
  done
  echo "$best"
}
