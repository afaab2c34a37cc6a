#!/usr/bin/python3
"""Discover Weekly batch: `sonora recommend run` users/s and peak RSS, beside a NumPy peer.

Usage: discover_weekly.py SONORA_BINARY WORK_DIR [USERS] [TRACKS] [MEAN_LISTENS]

1. `sonora catalog generate --tracks TRACKS` (metadata only; 1,250 artists at 50,000 tracks).
2. USERS accounts and their listening history written straight into the SQLite file in one
   bulk transaction (no HTTP, no event pipeline: the point is the batch, not ingestion). Each
   listener has a primary and a secondary genre, 3-12 favourite artists in the primary and
   1-4 in the secondary; a listen is a favourite artist's track 60% of the time, a track of
   the two genres 25%, anything 15%, always weighted by the catalog's track popularity. Listens
   per user are log-normal around MEAN_LISTENS (5..400), spread over the last 85 days; 15% are
   skips (under 30 s, not counted), 60% complete; 8% of the distinct tracks a user played are
   in Liked Songs. Seeded, so runs repeat.
3. `sonora recommend train` (defaults) writes the factor file.
4. Timed: `sonora recommend run`, which generates this week's Discover Weekly for every user
   (30 tracks, none heard in 90 days or liked, <= 2 per artist) and stores it. Peak RSS from
   wait4's rusage.
5. Peer, same users, same database, same factor file, right after: NumPy ALS top-k. Reads
   every user's 90-day history and likes with one SQL query, scores all tracks with one matrix
   product per block of 250 users, drops heard and liked tracks, keeps the top 30 and writes
   them as one row per user into a scratch table in one transaction. No co-listening, content,
   popularity blend, artist cap, reasons or market filter: it is the floor of "score every
   user with the factor model", not the same product.
Prints one JSON line last.
"""
import json, os, random, resource, sqlite3, struct, subprocess, sys, time

import numpy as np

sonora, work = sys.argv[1], sys.argv[2]
users_n = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
tracks_n = int(sys.argv[4]) if len(sys.argv) > 4 else 50_000
mean_listens = float(sys.argv[5]) if len(sys.argv) > 5 else 40
data = os.path.join(work, f"dw-{users_n}")
db_path = os.path.join(data, "sonora.db")
DAY_MS = 86_400_000


def run_timed(args):
    """Runs a command; returns (seconds, peak RSS in MiB, stdout, CPU seconds) of that child."""
    start = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(args)} failed ({status})")
    return seconds, usage.ru_maxrss / 1024, out.decode(), usage.ru_utime + usage.ru_stime


# -- 1. catalog -------------------------------------------------------------------------------
subprocess.run(["rm", "-rf", data], check=True)
t0 = time.perf_counter()
subprocess.run([sonora, "catalog", "generate", "--tracks", str(tracks_n), "--data-dir", data],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
catalog_s = time.perf_counter() - t0

# -- 2. users and history ---------------------------------------------------------------------
t0 = time.perf_counter()
db = sqlite3.connect(db_path)
db.execute("PRAGMA synchronous=OFF")
rows = db.execute("SELECT t.track_id, t.popularity, ta.artist_id, a.genres FROM tracks t "
                  "JOIN track_artists ta ON ta.track_id = t.track_id AND ta.position = 0 "
                  "JOIN artists a ON a.artist_id = ta.artist_id ORDER BY t.track_id").fetchall()
track_ids = [r[0] for r in rows]
weight = np.array([1.0 + r[1] for r in rows])  # popularity 0..100
artist_of = [r[2] for r in rows]
genre_of = [r[3].split(",")[0] or "pop" for r in rows]
by_artist, by_genre, artists_in_genre = {}, {}, {}
for i, (a, g) in enumerate(zip(artist_of, genre_of)):
    by_artist.setdefault(a, []).append(i)
    by_genre.setdefault(g, []).append(i)
    artists_in_genre.setdefault(g, set()).add(a)
genres = sorted(by_genre)
artists_in_genre = {g: sorted(v) for g, v in artists_in_genre.items()}
genre_p = np.array([len(by_genre[g]) for g in genres], dtype=float)
genre_p /= genre_p.sum()
rng = np.random.default_rng(7)
prng = random.Random(7)


def picker(indices):
    idx = np.array(indices)
    cdf = np.cumsum(weight[idx])
    return idx, cdf / cdf[-1]


pick_artist = {a: picker(v) for a, v in by_artist.items()}
pick_genre = {g: picker(v) for g, v in by_genre.items()}
pick_any = picker(range(len(track_ids)))


def draw(p, n):
    idx, cdf = p
    return idx[np.searchsorted(cdf, rng.random(n))]


now_ms = int(time.time() * 1000)
countries = ["SE", "US", "GB", "DE", "BR", "JP"]
db.execute("BEGIN")
db.executemany(
    "INSERT INTO users (user_id, email, email_lower, username, username_lower, display_name,"
    " country, password_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 'x', 0)",
    ((f"user_{u:07d}", f"u{u}@x", f"u{u}@x", f"u{u}", f"u{u}", f"u{u}", countries[u % 6])
     for u in range(users_n)))
listens_n = likes_n = 0


def history():
    global listens_n
    for u in range(users_n):
        g1, g2 = rng.choice(len(genres), 2, replace=False, p=genre_p)
        g1, g2 = genres[g1], genres[g2]
        fav = prng.sample(artists_in_genre[g1], min(len(artists_in_genre[g1]), prng.randint(3, 12)))
        fav += prng.sample(artists_in_genre[g2], min(len(artists_in_genre[g2]), prng.randint(1, 4)))
        n = int(min(400, max(5, rng.lognormal(np.log(mean_listens) - 0.18, 0.6))))
        source = rng.random(n)
        picks = np.empty(n, dtype=np.int64)
        fav_mask = source < 0.60
        genre_mask = (source >= 0.60) & (source < 0.85)
        any_mask = source >= 0.85
        fa = rng.integers(0, len(fav), fav_mask.sum())
        fav_picks = np.empty(len(fa), dtype=np.int64)
        for k in np.unique(fa):
            fav_picks[fa == k] = draw(pick_artist[fav[k]], int((fa == k).sum()))
        picks[fav_mask] = fav_picks
        gm = genre_mask.sum()
        second = rng.random(gm) < 0.3
        picks[genre_mask] = np.where(second, draw(pick_genre[g2], gm), draw(pick_genre[g1], gm))
        picks[any_mask] = draw(pick_any, any_mask.sum())
        start = now_ms - rng.integers(60_000, 85 * DAY_MS, n)
        kind = rng.random(n)
        user = f"user_{u:07d}"
        for k in range(n):
            skipped = kind[k] < 0.15
            completed = kind[k] >= 0.40
            played = int(10_000 + kind[k] * 15_000) if skipped else (
                200_000 if completed else int(30_000 + kind[k] * 150_000))
            listens_n += 1
            yield (f"s{u}_{k}", user, track_ids[picks[k]], int(start[k]),
                   int(start[k]) + played, played, int(completed), int(skipped),
                   0 if skipped else 1, None if skipped else int(start[k]) + 30_000)


db.executemany("INSERT INTO listens (session_id, user_id, track_id, started_at_ms,"
               " last_event_at_ms, duration_played_ms, completed, skipped, counted,"
               " counted_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", history())
likes = db.execute("SELECT user_id, track_id, MAX(started_at_ms) FROM listens WHERE counted = 1"
                   " GROUP BY user_id, track_id").fetchall()
liked = [(u, t, ms + 1000) for (u, t, ms) in likes if prng.random() < 0.08]
likes_n = len(liked)
db.executemany("INSERT INTO saved_tracks (user_id, track_id, added_at_ms) VALUES (?, ?, ?)",
               liked)
db.execute("COMMIT")
db.close()
load_s = time.perf_counter() - t0
print(f"== discover weekly: {users_n} users, {tracks_n} tracks, {listens_n} listens, "
      f"{likes_n} liked; catalog {catalog_s:.1f} s, bulk load {load_s:.1f} s", flush=True)

# -- 3. train ---------------------------------------------------------------------------------
train_s, train_rss, _, _ = run_timed([sonora, "recommend", "train", "--data-dir", data])
print(f"== recommend train (defaults: 48 factors, 25 iterations): {train_s:.1f} s, "
      f"peak RSS {train_rss:.0f} MiB", flush=True)

# -- 4. the batch -----------------------------------------------------------------------------
run_s, run_rss, out, run_cpu = run_timed([sonora, "recommend", "run", "--lists", "discover-weekly",
                                 "--data-dir", data])
generated = next(int(line.split()[-2]) for line in out.splitlines()
                 if line.startswith("discover weekly:"))
db = sqlite3.connect(db_path, isolation_level=None)
stored = db.execute("SELECT COUNT(*), SUM(LENGTH(track_ids) - LENGTH(REPLACE(track_ids, ',', ''))"
                    " + 1) FROM generated_playlists WHERE kind = 'discover_weekly'").fetchone()
print(f"== sonora recommend run: {generated} users in {run_s:.1f} s = "
      f"{generated / run_s:.0f} users/s, CPU {run_cpu:.1f} s, peak RSS {run_rss:.0f} MiB "
      f"({stored[0]} lists stored, {(stored[1] or 0) / max(1, stored[0]):.1f} tracks each)",
      flush=True)

# -- 5. peer: NumPy ALS top-k -----------------------------------------------------------------
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
with open(os.path.join(data, "recommend", "als_factors.bin"), "rb") as f:
    blob = f.read()
assert blob[:8] == b"SNRALSF\0"
_, factors, fu, fi, has_ids = struct.unpack_from("<IIIIB", blob, 8)
pos = 8 + 17
ids = []
for _ in range(fu + fi):
    (length,) = struct.unpack_from("<I", blob, pos)
    ids.append(blob[pos + 4:pos + 4 + length].decode())
    pos += 4 + length
x = np.frombuffer(blob, dtype=np.float32, count=fu * factors, offset=pos).reshape(fu, factors)
y = np.frombuffer(blob, dtype=np.float32, count=fi * factors,
                  offset=pos + 4 * fu * factors).reshape(fi, factors)
user_row = {u: k for k, u in enumerate(ids[:fu])}
item_ids = ids[fu:]
item_col = {t: k for k, t in enumerate(item_ids)}
since = now_ms - 90 * DAY_MS
heard = {}
for u, t in db.execute("SELECT user_id, track_id FROM listens WHERE started_at_ms >= ? UNION "
                       "SELECT user_id, track_id FROM saved_tracks", (since,)):
    c = item_col.get(t)
    if c is not None:
        heard.setdefault(u, []).append(c)
all_users = [r[0] for r in db.execute("SELECT user_id FROM users ORDER BY user_id")]
db.execute("CREATE TABLE IF NOT EXISTS peer_lists (user_id TEXT PRIMARY KEY, track_ids TEXT)")
db.execute("DELETE FROM peer_lists")
out_rows = []
BLOCK, K = 250, 30
for b in range(0, len(all_users), BLOCK):
    block = [u for u in all_users[b:b + BLOCK] if u in user_row]
    if not block:
        continue
    s = x[[user_row[u] for u in block]] @ y.T
    for r, u in enumerate(block):
        h = heard.get(u)
        if h:
            s[r, h] = -np.inf
    top = np.argpartition(-s, K, axis=1)[:, :K]
    order = np.take_along_axis(s, top, axis=1).argsort(axis=1)[:, ::-1]
    top = np.take_along_axis(top, order, axis=1)
    out_rows.extend((u, ",".join(item_ids[c] for c in top[r])) for r, u in enumerate(block))
db.execute("BEGIN")
db.executemany("INSERT INTO peer_lists (user_id, track_ids) VALUES (?, ?)", out_rows)
db.execute("COMMIT")
peer_s = time.perf_counter() - t0
peer_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"== peer, NumPy ALS top-{K} (same factors, heard/liked excluded, nothing else): "
      f"{len(out_rows)} users in {peer_s:.1f} s = {len(out_rows) / peer_s:.0f} users/s, "
      f"peak RSS of the whole Python process {peer_rss:.0f} MiB (before the peer: "
      f"{rss_before:.0f} MiB)", flush=True)
print(json.dumps({"users": users_n, "tracks": tracks_n, "listens": listens_n, "liked": likes_n,
                  "train_s": train_s, "train_rss_mib": train_rss, "run_s": run_s,
                  "run_users": generated, "run_users_per_s": generated / run_s,
                  "run_rss_mib": run_rss, "run_cpu_s": run_cpu, "peer_users": len(out_rows), "peer_s": peer_s,
                  "peer_users_per_s": len(out_rows) / peer_s, "peer_rss_mib": peer_rss}))
