#!/usr/bin/env python3
"""GET /api/v1/recommendations latency (target p99 < 20 ms) against a real `sonora serve`.

Usage: latency.py SONORA_BINARY WORK_DIR [TRACKS] [USERS]
Generates a metadata-only catalog of TRACKS tracks (`sonora catalog generate`), adds USERS
listeners with 50 counted listens each (clustered on 500-track windows of the catalog) straight
into SQLite, starts the server, warms the snapshot with one request, then times 1,000 requests
with 3 random played seed tracks and 300 with one genre seed on one kept-alive connection.
With TRAIN=1 in the environment, `sonora recommend train` writes a factor file first, so the
model generator (and, from recommend.ann_min_tracks tracks on, the item-factor index) is in the
path. SONORA_RECOMMEND_ANN_MIN_TRACKS reaches the server: a huge value keeps the exact scan.
Prints one JSON line last.
"""
import http.client, json, os, random, signal, socket, sqlite3, subprocess, sys, time

sonora, work = sys.argv[1], sys.argv[2]
tracks_n = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
users_n = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
data = os.path.join(work, "rec-latency")
subprocess.run([sonora, "catalog", "generate", "--tracks", str(tracks_n), "--data-dir", data],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
db = sqlite3.connect(os.path.join(data, "sonora.db"))
tracks = [r[0] for r in db.execute("SELECT track_id FROM tracks ORDER BY track_id")]
rng = random.Random(1)
for u in range(users_n):
    db.execute("INSERT INTO users (user_id, email, email_lower, username, username_lower,"
               " display_name, country, password_hash, created_at_ms)"
               " VALUES (?, ?, ?, ?, ?, ?, 'SE', 'x', 0)",
               (f"u{u}", f"u{u}@x", f"u{u}@x", f"u{u}", f"u{u}", f"u{u}"))
rows = []
for u in range(users_n):
    base = rng.randrange(max(1, len(tracks) - 500))
    for k in range(50):
        t = tracks[min(len(tracks) - 1, base + rng.randrange(500))]
        rows.append((f"s{u}_{k}", f"u{u}", t, 1, 1, 60000, 1, 0, 1))
db.executemany("INSERT INTO listens (session_id, user_id, track_id, started_at_ms,"
               " last_event_at_ms, duration_played_ms, completed, skipped, counted)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.commit()
played = [r[0] for r in db.execute("SELECT DISTINCT track_id FROM listens ORDER BY track_id")]
db.close()
trained = os.environ.get("TRAIN") == "1"
if trained:
    subprocess.run([sonora, "recommend", "train", "--data-dir", data], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
ann_min = os.environ.get("SONORA_RECOMMEND_ANN_MIN_TRACKS", "20000")

s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
env = dict(os.environ, SONORA_RATE_LIMIT_API_PER_SECOND="1000000",
           SONORA_RATE_LIMIT_API_BURST="1000000")
server = subprocess.Popen([sonora, "serve", "--data-dir", data, "--port", str(port)], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    # serve builds the search index before it listens: about 30 s at 200,000 tracks.
    for _ in range(3000):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close(); break
        except OSError:
            time.sleep(0.1)
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", "/api/v1/auth/register", json.dumps(
        {"username": "bench", "email": "bench@example.com",
         "password": "correct horse battery", "country": "SE"}),
        {"Content-Type": "application/json"})
    r = c.getresponse(); token = json.loads(r.read())["access_token"]
    headers = {"Authorization": "Bearer " + token}

    def once(query):
        t = time.perf_counter()
        c.request("GET", "/api/v1/recommendations?" + query, headers=headers)
        resp = c.getresponse(); body = resp.read()
        if resp.status != 200:
            raise SystemExit(f"bench: {resp.status} {body[:200]!r}")
        return (time.perf_counter() - t) * 1000

    warm = once("seed_tracks=" + played[0])
    seeded = sorted(once("seed_tracks=" + ",".join(rng.sample(played, 3))) for _ in range(1000))
    genre = sorted(once("seed_genres=rock") for _ in range(300))
finally:
    server.send_signal(signal.SIGTERM); server.wait()
p = lambda xs, q: xs[min(len(xs) - 1, int(q * len(xs)))]
print(f"== /recommendations, {tracks_n} tracks, {len(rows)} listens, "
      f"{'factor file' if trained else 'no factor file'}, ann_min_tracks {ann_min}: "
      f"first request (snapshot "
      f"build) {warm:.0f} ms; 3 track seeds p50 {p(seeded, .5):.2f} ms p99 {p(seeded, .99):.2f} "
      f"ms; genre seed p50 {p(genre, .5):.2f} ms p99 {p(genre, .99):.2f} ms (target p99 < 20 ms) "
      f"{'PASS' if p(seeded, .99) < 20 and p(genre, .99) < 20 else 'MISS'}")
print(json.dumps({"tracks": tracks_n, "listens": len(rows), "trained": trained,
                  "ann_min_tracks": int(ann_min), "snapshot_ms": warm,
                  "seed_p50_ms": p(seeded, .5), "seed_p99_ms": p(seeded, .99),
                  "genre_p50_ms": p(genre, .5), "genre_p99_ms": p(genre, .99)}))
