# Shared helpers for bench/*/run scripts: free ports, waiting, starting nginx as a peer.
# Sourced, not executed.

bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

bench_wait_port() {  # host port timeout_s
  local deadline=$((SECONDS + ${3:-20}))
  until (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "bench: $1:$2 did not open" >&2; return 1; }
    sleep 0.1
  done
}

# bench_start_nginx ROOT_DIR -> sets NGINX_PORT, NGINX_PREFIX; serves ROOT_DIR with NGINX_WORKERS
# (default: one per core) workers,
# no access log, keep-alive on: the fairest static-file peer on this machine.
bench_start_nginx() {
  NGINX_PREFIX=$(mktemp -d)
  NGINX_PORT=$(bench_free_port)
  mkdir -p "$NGINX_PREFIX/logs" "$NGINX_PREFIX/tmp"
  cat > "$NGINX_PREFIX/nginx.conf" <<CONF
worker_processes ${NGINX_WORKERS:-$(nproc)};
pid $NGINX_PREFIX/nginx.pid;
error_log $NGINX_PREFIX/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $NGINX_PREFIX/tmp;
  proxy_temp_path $NGINX_PREFIX/tmp;
  fastcgi_temp_path $NGINX_PREFIX/tmp;
  uwsgi_temp_path $NGINX_PREFIX/tmp;
  scgi_temp_path $NGINX_PREFIX/tmp;
  types { application/json json; audio/ogg ogg; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $1;
  }
}
CONF
  [ "$(id -u)" -eq 0 ] && sed -i "1i user root;" "$NGINX_PREFIX/nginx.conf"
  nginx -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf"
  bench_wait_port 127.0.0.1 "$NGINX_PORT"
}

bench_stop_nginx() {
  [ -n "${NGINX_PREFIX:-}" ] && [ -f "$NGINX_PREFIX/nginx.pid" ] && kill "$(cat "$NGINX_PREFIX/nginx.pid")" 2>/dev/null
  sleep 0.2
  rm -rf "${NGINX_PREFIX:-/nonexistent}"
}

# bench_wrk_summary FILE -> "req_per_s p50 p99" from wrk --latency output
bench_wrk_summary() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n, u = float(m.group(1)), m.group(2)
    return n / 1000 if u == "us" else n * 1000 if u == "s" else n
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {p50:.3f} {p99:.3f} {errors.group(1) if errors else 0}")
PY
}

# bench_start_sonora SONORA DATA_DIR -> sets SONORA_PID, SONORA_BASE. Serves DATA_DIR on a free
# port with the access log off and rate limits disabled (a few tokens drive all the load).
# Like nginx, which daemonizes, the server runs in a session of its own (setsid): with the
# kernel's autogroup scheduling each session shares the CPU as one group, and a server left in
# the script's session would share its group with the load generator.
bench_start_sonora() {
  local out
  out=$(mktemp)
  SONORA_ACCESS_LOG=false SONORA_RATE_LIMIT_API_PER_SECOND=0 SONORA_RATE_LIMIT_AUTH_PER_SECOND=0 \
    setsid "$1" serve --port 0 --data-dir "$2" --log-level warn > "$out" &
  SONORA_PID=$!
  # Up to 2 minutes: a first start may build the search index of a large catalog.
  for _ in $(seq 1200); do grep -q listening "$out" 2>/dev/null && break; sleep 0.1; done
  SONORA_BASE="http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$out")"
  rm -f "$out"
}

# bench_chunk_urls BASE TOKEN TRACKS_FILE QUALITY OUT: plays each track in TRACKS_FILE (one id
# a line) as TOKEN's user and writes every chunk URL of QUALITY ("160kbps", ...) to OUT.
bench_chunk_urls() {
  python3 - "$@" <<'PY'
import json, sys, urllib.request
base, token, tracks, quality, out = sys.argv[1:6]
with open(out, "w") as urls:
    for track in open(tracks).read().split():
        req = urllib.request.Request(f"{base}/api/v1/player/play", method="POST",
            data=json.dumps({"track_id": track}).encode(),
            headers={"Authorization": f"Bearer {token}"})
        j = json.load(urllib.request.urlopen(req))
        for f in j["media"]["renditions"][quality]["files"]:
            urls.write(j["streaming_urls"][quality] + f["file"] + "\n")
PY
}

# bench_login BASE USERNAME PASSWORD -> prints the access token
bench_login() {
  curl -sf -X POST "$1/api/v1/auth/login" -d "{\"username\":\"$2\",\"password\":\"$3\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
