# fleet: nginx (Debian's, installed with apt-get when missing) in front of two Bulwark instances sharing one
# redis-server (started here); wrk on GET /hello through nginx for WRK_SECONDS; CRITICAL_AT seconds in, instance 1 is
# forced CRITICAL (0.99 written to its memory.injectFile) for CRITICAL_FOR seconds, then released (the file deleted).
# Twice: nginx with the upstream of deploy/nginx/bulwark-fleet.conf (proxy_next_upstream error timeout http_503,
# tries 2, max_fails 2 / fail_timeout 5s), then with proxy_next_upstream off. nginx runs in the foreground
# (daemon off) on a config generated into bench/work/, loopback ports only, no system service.
# Reported per mode: wrk's requests and non-2xx (the bar: 0 with retry), nginx's access log counted per second (the
# instance whose answer the client got, the 503s clients got, the requests nginx retried on the other instance),
# instance 1's readiness while CRITICAL, the Retry-After of its 503, and ERROR lines in the servers' logs.
# Knobs (env): WRK_SECONDS (30), CRITICAL_AT (10), CRITICAL_FOR (10), CONNECTIONS (32), WRK_THREADS (2),
# MODES (retry off), INSTANCES (2).
run_scenario() {
  local secs=${WRK_SECONDS:-30} at=${CRITICAL_AT:-10} dur=${CRITICAL_FOR:-10} conns=${CONNECTIONS:-32}
  local threads=${WRK_THREADS:-2} modes=${MODES:-retry off} mode
  FLEET_PORTS=(18111 18112) FLEET_ADMIN=(19111 19112) FLEET_NGINX=18110
  ensure_nginx
  ensure_command gnuplot gnuplot-nox
  ensure_redis
  ensure_ports_free $FLEET_NGINX "${FLEET_PORTS[@]}" "${FLEET_ADMIN[@]}"
  FLEET_ROWS=""
  printf 't_s\tmode\tinstance1_per_s\tinstance2_per_s\tclient_non2xx_per_s\tretried_per_s\tinstance1_ready\n' \
    >"$WORK/fleet-samples.tsv"
  for mode in $modes; do
    fleet_round "$mode" # not in a subshell: the EXIT trap must see what it starts
  done
  gnuplot -e "datafile='$WORK/fleet-samples.tsv'; outfile='$WORK/fleet.png'; at=$at; dur=$dur" \
    "$BENCH_DIR/plot/fleet.gp" 2>"$WORK/fleet-gnuplot.log" \
    || { rm -f "$WORK/fleet.png"; echo "bench: gnuplot failed to draw fleet.png: see $WORK/fleet-gnuplot.log" >&2; }
  echo "# fleet: two instances behind nginx, one forced CRITICAL for ${dur} s"
  echo
  machine_header
  echo "- nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //'), 1 worker, \`daemon off\`, config generated as \`bench/work/fleet-MODE-nginx.conf\`"
  echo "- command: \`WRK_SECONDS=$secs CRITICAL_AT=$at CRITICAL_FOR=$dur CONNECTIONS=$conns WRK_THREADS=$threads MODES=\"$modes\" bench/run fleet\`"
  echo "- servers: two \`java $JVM_FLAGS -jar target/bulwark.jar --config fleet-N.json\` (${INSTANCES:-2} event loops each) on ports ${FLEET_PORTS[*]}, each with \`redis.url\` (one redis-server), \`memory.injectFile\` its own file, \`memory.sampleInterval: 50ms\`, \`memory.minDwell: 0s\`, \`memory.gcProbeInterval: 0s\`"
  echo "- load: \`wrk -t$threads -c$conns -d${secs}s http://127.0.0.1:$FLEET_NGINX/hello\`; ${at} s in, \`echo 0.99 > fleet-inject-1\` (instance 1 CRITICAL), ${dur} s later \`rm fleet-inject-1\`"
  echo "- retry: \`proxy_next_upstream error timeout http_503; proxy_next_upstream_tries 2; proxy_next_upstream_timeout 5s;\`, servers \`max_fails=2 fail_timeout=5s\`, \`keepalive 32\` (as [deploy/nginx/bulwark-fleet.conf](../../deploy/nginx/bulwark-fleet.conf)); off: \`proxy_next_upstream off\`, the rest the same"
  echo
  echo "| mode | requests | req/s | non-2xx to clients (wrk) | socket errors | answers from 1 / 2 | retried by nginx | instance 1 /health/ready | its 503 | server logs | verdict |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$FLEET_ROWS"
  echo
  echo "Per second around the CRITICAL spell (from the access log; \"instance 1 ready\" from the last round):"
  echo
  fleet_seconds "$((at - 1))" "$((at + dur + 2))"
  echo
  echo "![fleet](fleet.png)"
  echo
  echo "Samples (\`fleet-samples.tsv\`), one row a second of nginx's access log (\`\$msec|\$upstream_addr|\$upstream_status|"
  echo "\$status\`) from the start of wrk: \`instance1_per_s\` / \`instance2_per_s\` 2xx answers the client got from that"
  echo "instance (the last upstream nginx tried), \`client_non2xx_per_s\`, \`retried_per_s\` (requests nginx sent to both"
  echo "instances), \`instance1_ready\` the status of instance 1's \`/health/ready\` (polled every 200 ms, the first poll"
  echo "of each second). The verdict: with retry, 0 non-2xx and 0 socket errors, and no ERROR line in either server's log;"
  echo "without retry, only the logs are judged (its non-2xx are the figure to compare)."
}

# fleet_round MODE: redis, two instances, nginx, the load and the CRITICAL spell; adds a row to FLEET_ROWS.
fleet_round() {
  local mode=$1 redis_port i pids=() log="$WORK/fleet-$1-access.log"
  start_redis "$WORK/fleet-redis.log"
  redis_port=$REDIS_PORT
  local redis_pid=$STARTED
  local servers=()
  for i in 1 2; do
    rm -f "$WORK/fleet-inject-$i"
    echo "{\"redis\": {\"url\": \"redis://127.0.0.1:$redis_port\"}, \"files\": {\"root\": \"$WORK\"}," \
      "\"memory\": {\"injectFile\": \"$WORK/fleet-inject-$i\", \"sampleInterval\": \"50ms\", \"minDwell\": \"0s\"," \
      "\"gcProbeInterval\": \"0s\"}}" >"$WORK/fleet-$i.json"
    BULWARK_ADMIN_TOKEN="fleet-$i-$(date +%s%N)" SERVER_ARGS="--config $WORK/fleet-$i.json" \
      start_bulwark "${FLEET_PORTS[$((i - 1))]}" "${FLEET_ADMIN[$((i - 1))]}" "$WORK/fleet-$mode-bulwark-$i.log"
    servers+=("$STARTED")
  done
  for i in 0 1; do wait_ready "http://127.0.0.1:${FLEET_PORTS[$i]}/hello"; done
  fleet_nginx_conf "$mode" >"$WORK/fleet-$mode-nginx.conf"
  mkdir -p "$WORK/fleet-nginx"
  rm -f "$log"
  nginx -p "$WORK/fleet-nginx" -e "$WORK/fleet-$mode-nginx-error.log" -c "$WORK/fleet-$mode-nginx.conf" \
    -g 'daemon off;' 2>>"$WORK/fleet-$mode-nginx-error.log" &
  local nginx_pid=$!
  PIDS+=("$nginx_pid")
  wait_ready "http://127.0.0.1:$FLEET_NGINX/hello"
  : >"$log" # the readiness probes above are not part of the run
  local t0 ready="$WORK/fleet-$mode-ready.txt"
  t0=$(date +%s%N)
  wrk -t"$threads" -c"$conns" -d"${secs}s" "http://127.0.0.1:$FLEET_NGINX/hello" >"$WORK/fleet-$mode-wrk.txt" 2>&1 &
  local wrk_pid=$!
  fleet_poll_ready "http://127.0.0.1:${FLEET_PORTS[0]}/health/ready" "$wrk_pid" "$t0" >"$ready" &
  local poll_pid=$!
  sleep "$at"
  echo 0.99 >"$WORK/fleet-inject-1"
  sleep 1
  curl -s -D "$WORK/fleet-$mode-503.txt" -o /dev/null "http://127.0.0.1:${FLEET_PORTS[0]}/hello" || true
  sleep "$((dur - 1))"
  rm -f "$WORK/fleet-inject-1"
  wait "$wrk_pid" || true
  wait "$poll_pid" || true
  stop_server "$nginx_pid"
  for i in "${servers[@]}"; do stop_server "$i"; done
  stop_server "$redis_pid"
  fleet_row "$mode" "$t0" "$log" "$ready"
}

# fleet_nginx_conf MODE: the whole nginx.conf of a round: the fleet upstream with retries (retry) or without (off).
fleet_nginx_conf() {
  local next="proxy_next_upstream error timeout http_503; proxy_next_upstream_tries 2; proxy_next_upstream_timeout 5s;"
  [ "$1" = off ] && next="proxy_next_upstream off;"
  cat <<NGINX
worker_processes 1;
pid $WORK/fleet-nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  log_format fleet '\$msec|\$upstream_addr|\$upstream_status|\$status';
  client_body_temp_path $WORK/fleet-nginx/body;
  proxy_temp_path $WORK/fleet-nginx/proxy;
  fastcgi_temp_path $WORK/fleet-nginx/fastcgi;
  uwsgi_temp_path $WORK/fleet-nginx/uwsgi;
  scgi_temp_path $WORK/fleet-nginx/scgi;
  upstream bulwark_fleet {
    server 127.0.0.1:${FLEET_PORTS[0]} max_fails=2 fail_timeout=5s;
    server 127.0.0.1:${FLEET_PORTS[1]} max_fails=2 fail_timeout=5s;
    keepalive 32;
    keepalive_timeout 50s;
    keepalive_requests 10000;
  }
  server {
    listen 127.0.0.1:$FLEET_NGINX;
    access_log $WORK/fleet-$1-access.log fleet buffer=64k flush=1s;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$host;
    proxy_connect_timeout 2s;
    proxy_read_timeout 35s;
    $next
    location / { proxy_pass http://bulwark_fleet; }
  }
}
NGINX
}

# fleet_poll_ready URL PID T0: "seconds-since-T0 status" of URL every 200 ms while PID lives.
fleet_poll_ready() {
  while kill -0 "$2" 2>/dev/null; do
    echo "$(awk -v a="$3" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')" \
      "$(curl -s -m 1 -o /dev/null -w '%{http_code}' "$1")"
    sleep 0.2
  done
}

# fleet_row MODE T0 ACCESS_LOG READY: appends the samples of a round and its table row.
fleet_row() {
  local mode=$1 t0=$2 log=$3 ready=$4 wrk="$WORK/fleet-$1-wrk.txt" p1=${FLEET_PORTS[0]} down up bad=0
  down=$(awk '$2 != "200" { print $1; exit }' "$ready")
  up=$(awk -v d="${down:-0}" '$1 > d && $2 == "200" { print $1; exit }' "$ready")
  # A line: msec|addr[, addr]|status[, status]|client status (an address per upstream nginx tried).
  awk -F'|' -v t0="$t0" -v mode="$mode" -v p1="$p1" -v ready="$ready" '
    BEGIN { while ((getline line < ready) > 0) { split(line, f, " "); if (!(int(f[1]) in r)) r[int(f[1])] = f[2] } }
    { s = int($1 - t0 / 1e9); if (s < 0) next; if (s > last) last = s
      n = split($2, a, ", "); if (n > 1) retried[s]++
      if ($4 !~ /^2/) bad[s]++; else if (a[n] ~ ":" p1 "$") one[s]++; else two[s]++ }
    END { for (s = 0; s <= last; s++) printf "%d\t%s\t%d\t%d\t%d\t%d\t%s\n", s, mode, one[s], two[s], bad[s],
          retried[s], (s in r) ? r[s] : "-" }' "$log" >>"$WORK/fleet-samples.tsv"
  local counts
  counts=$(awk -F'|' -v p1="$p1" '{ n = split($2, a, ", "); if (n > 1) retried++
      if ($4 ~ /^2/) { if (a[n] ~ ":" p1 "$") one++; else two++ } }
    END { printf "%d / %d | %d", one, two, retried }' "$log")
  local reqs rps non2xx errs retry_after logs
  reqs=$(awk '/ requests in / { print $1 }' "$wrk")
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$wrk")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$wrk"); non2xx=${non2xx:-0}
  errs=$(awk '/Socket errors:/ { n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i; print n }' "$wrk")
  errs=${errs:-0}
  retry_after=$(awk 'NR == 1 { s = $2 } tolower($1) == "retry-after:" { r = $2 }
    END { gsub("\r", "", r); printf "%s, Retry-After %s", s, r ? r : "none" }' "$WORK/fleet-$mode-503.txt")
  logs=$(cat "$WORK/fleet-$mode-bulwark-1.log" "$WORK/fleet-$mode-bulwark-2.log" | awk '/ ERROR / { e++ } END { printf "%d ERROR", e }')
  [ "$logs" = "0 ERROR" ] || bad=1
  if [ "$mode" = retry ] && { [ "$non2xx" != 0 ] || [ "$errs" != 0 ]; }; then bad=1; fi
  FLEET_ROWS+="| $mode | $reqs | $rps | $non2xx | $errs | $counts | DOWN from ${down:-never} s to ${up:-never} s | $retry_after | $logs | $([ $bad = 0 ] && echo PASS || echo FAIL) |"$'\n'
}

# fleet_seconds FROM TO: the samples of each mode side by side, one row a second from FROM to TO.
fleet_seconds() {
  echo "| s | $(for m in $modes; do printf '%s: by 1 / by 2 / non-2xx / retried | ' "$m"; done)instance 1 ready |"
  echo "|---|$(for m in $modes; do printf -- '---|'; done)---|"
  awk -F'\t' -v from="$1" -v to="$2" -v modes="$modes" 'NR > 1 && $1 >= from && $1 <= to {
      c[$1, $2] = $3 " / " $4 " / " $5 " / " $6; r[$1] = $7 }
    END { n = split(modes, m, " "); for (s = from; s <= to; s++) { line = "| " s " | "
            for (i = 1; i <= n; i++) line = line c[s, m[i]] " | "; print line r[s] " |" } }' "$WORK/fleet-samples.tsv"
}
