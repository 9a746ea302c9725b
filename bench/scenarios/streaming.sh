# streaming: at -Xmx64m, download a 2 GiB file (sha256 checked), stream /data/items?count=10000000 (structure and count
# checked), upload a 1 GiB file (sha256 in the answer checked); then plain download throughput against nginx serving
# the same file on the same machine, alternated. Knobs (env): DOWNLOAD_GIB (2), UPLOAD_GIB (1), ITEMS (10000000),
# ROUNDS (3).
start_nginx() {
  local port=$1 root=$2 conf="$WORK/nginx.conf"
  mkdir -p "$WORK/nginx"
  cat > "$conf" <<NGINX
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server { listen 127.0.0.1:$port; root $root; }
}
NGINX
  nginx -c "$conf" &
  STARTED=$!
  PIDS+=("$STARTED")
}

speed_mib() {
  curl -s -o /dev/null -w '%{speed_download}' "$1" | awk '{ printf "%.0f", $1 / 1048576 }'
}

run_scenario() {
  ensure_nginx
  local dl=${DOWNLOAD_GIB:-2} ul=${UPLOAD_GIB:-1} items=${ITEMS:-10000000} rounds=${ROUNDS:-3}
  local port=18089 admin=19099 nport=18090 files="$WORK/files" flags="-Xms64m -Xmx64m -XX:+UseG1GC"
  mkdir -p "$files" "$WORK/uploads"
  rm -f "$WORK"/uploads/*
  [ -f "$files/big.bin" ] && [ "$(stat -c %s "$files/big.bin")" -eq $((dl << 30)) ] \
    || head -c $((dl << 30)) /dev/urandom > "$files/big.bin"
  [ -f "$WORK/upload.bin" ] && [ "$(stat -c %s "$WORK/upload.bin")" -eq $((ul << 30)) ] \
    || head -c $((ul << 30)) /dev/urandom > "$WORK/upload.bin"
  local want_dl want_ul
  want_dl=$(sha256sum "$files/big.bin" | cut -d' ' -f1)
  want_ul=$(sha256sum "$WORK/upload.bin" | cut -d' ' -f1)

  export BULWARK_FILES_ROOT="$files" BULWARK_UPLOADS_DIR="$WORK/uploads"
  JVM_FLAGS="$flags" start_bulwark $port $admin "$WORK/streaming-bulwark.log"
  local pid=$STARTED
  unset BULWARK_FILES_ROOT BULWARK_UPLOADS_DIR
  start_nginx $nport "$files"
  wait_ready "http://127.0.0.1:$port/hello"
  wait_ready "http://127.0.0.1:$nport/big.bin" 500 || true

  local base="http://127.0.0.1:$port"
  local t0 t1 got_dl dl_secs data_secs up_json up_secs
  t0=$(date +%s%N)
  got_dl=$(curl -s "$base/files/big.bin" | sha256sum | cut -d' ' -f1)
  t1=$(date +%s%N); dl_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  t0=$(date +%s%N)
  curl -s "$base/data/items?count=$items" | python3 "$BENCH_DIR/load/check_items.py" "$items" > "$WORK/items-check.txt"
  t1=$(date +%s%N); data_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  t0=$(date +%s%N)
  up_json=$(curl -s -F "file=@$WORK/upload.bin;type=application/octet-stream" "$base/uploads")
  t1=$(date +%s%N); up_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')

  local rows="" ratios=""
  for i in $(seq 1 "$rounds"); do
    local b n
    b=$(speed_mib "$base/files/big.bin")
    n=$(speed_mib "http://127.0.0.1:$nport/big.bin")
    rows+="| $i | $b | $n | $(awk -v x="$b" -v y="$n" 'BEGIN { printf "%.2f", x / y }') |"$'\n'
    ratios+="$(awk -v x="$b" -v y="$n" 'BEGIN { printf "%.3f", x / y }')"$'\n'
  done
  local ooms alive=no
  ooms=$(grep -c "OutOfMemoryError" "$WORK/streaming-bulwark.log" || true)
  kill -0 "$pid" 2>/dev/null && alive=yes
  local dl_bytes=$((dl << 30)) ul_bytes=$((ul << 30))

  echo "# streaming: 2 GiB down, 10M JSON items, 1 GiB up, at -Xmx64m; downloads against nginx"
  echo
  JVM_FLAGS="$flags" machine_header
  echo "- command: \`DOWNLOAD_GIB=$dl UPLOAD_GIB=$ul ITEMS=$items ROUNDS=$rounds bench/run streaming\`"
  echo "- server: \`BULWARK_FILES_ROOT=files BULWARK_UPLOADS_DIR=uploads java $flags -jar target/bulwark.jar\`"
  echo "- nginx: $(nginx -v 2>&1 | sed 's/nginx version: //'), 1 worker, \`sendfile on\`, same file, 127.0.0.1:$nport"
  echo "- clients: curl; checksums with sha256sum; JSON checked by bench/load/check_items.py while streaming"
  echo
  echo "| transfer | result | seconds | MiB/s |"
  echo "|---|---|---|---|"
  echo "| download ${dl} GiB \`GET /files/big.bin\` piped to sha256sum | $([ "$got_dl" = "$want_dl" ] && echo "sha256 matches" || echo "SHA256 MISMATCH") | $dl_secs | $(awk -v b="$dl_bytes" -v s="$dl_secs" 'BEGIN { printf "%.0f", b / 1048576 / s }') |"
  echo "| stream \`GET /data/items?count=$items\` | $(cat "$WORK/items-check.txt" | head -1) | $data_secs | $(awk -v s="$data_secs" -v b="$(sed -n 2p "$WORK/items-check.txt")" 'BEGIN { printf "%.0f", b / 1048576 / s }') |"
  echo "| upload ${ul} GiB \`POST /uploads\` (multipart) | $(echo "$up_json" | grep -q "$want_ul" && echo "sha256 in the answer matches" || echo "SHA256 MISMATCH: $up_json") | $up_secs | $(awk -v b="$ul_bytes" -v s="$up_secs" 'BEGIN { printf "%.0f", b / 1048576 / s }') |"
  echo
  echo "| round | Bulwark download MiB/s | nginx MiB/s | Bulwark/nginx |"
  echo "|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "**Median Bulwark/nginx for plain downloads: $(printf '%s' "$ratios" | median | xargs printf '%.2f')** (goal >= 0.9). OutOfMemoryError: $ooms; process alive: $alive."
  rm -f "$WORK"/uploads/*
}
