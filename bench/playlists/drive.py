#!/usr/bin/env python3
"""Drives bench/playlists/run: builds a 10,000-track playlist through the API and times every
write, then does the same writes into a bare SQLite table (the peer).

usage: drive.py BASE TOKEN TRACK_IDS_FILE WORK_DIR PAIRS SEED

Writes WORK_DIR/playlist_id (for the GET phase) and prints one line per measured series:
  <series> <requests> <rows> <p50 ms> <p99 ms> <mean ms>
The series are sonora_grow, sqlite_grow, sonora_remove, sonora_add, sqlite_remove, sqlite_add.
One client, one keep-alive connection, requests in sequence: this is per-request latency, not
throughput.
"""
import http.client
import json
import os
import random
import sqlite3
import statistics
import sys
import time
import urllib.parse

MAX_ITEMS = 10_000
MAX_BATCH = 100


def percentile(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def report(name, samples, rows):
    if not samples:
        return
    ms = [x * 1000.0 for x in samples]
    print(f"{name} {len(ms)} {rows} {percentile(ms, 50):.3f} {percentile(ms, 99):.3f} "
          f"{statistics.fmean(ms):.3f}")


class Api:
    def __init__(self, base, token):
        u = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        self.headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def call(self, method, path, body=None, expect=200):
        data = json.dumps(body).encode() if body is not None else None
        start = time.perf_counter()
        self.conn.request(method, path, body=data, headers=self.headers)
        resp = self.conn.getresponse()
        payload = resp.read()
        elapsed = time.perf_counter() - start
        if resp.status != expect:
            sys.exit(f"bench: {method} {path} answered {resp.status}: {payload[:300]!r}")
        return elapsed, json.loads(payload) if payload else None


def main():
    base, token, ids_file, work, pairs, seed = sys.argv[1:7]
    pairs, rng = int(pairs), random.Random(int(seed))
    catalog = [line.strip() for line in open(ids_file) if line.strip()]
    api = Api(base, token)

    # The plan, shared by Sonora and the peer: batch sizes while growing, then pairs of
    # (remove k items starting at position s, append k new tracks).
    grow = []
    total = 0
    while total < MAX_ITEMS:
        k = min(rng.randint(1, MAX_BATCH), MAX_ITEMS - total)
        grow.append([rng.choice(catalog) for _ in range(k)])
        total += k
    plan_pairs = []
    for _ in range(pairs):
        k = rng.randint(1, MAX_BATCH)
        plan_pairs.append((rng.randint(0, MAX_ITEMS - k), [rng.choice(catalog) for _ in range(k)]))

    # ---- Sonora
    _, created = api.call("POST", "/api/v1/playlists", {"name": "bench"}, expect=201)
    pid = created["playlist_id"]
    with open(os.path.join(work, "playlist_id"), "w") as f:
        f.write(pid)
    model = []  # the playlist as the client knows it: track id per position
    grow_s = []
    for batch in grow:
        t, _ = api.call("POST", f"/api/v1/playlists/{pid}/tracks", {"track_ids": batch})
        grow_s.append(t)
        model.extend(batch)
    remove_s, add_s = [], []
    for start, batch in plan_pairs:
        k = len(batch)
        by_track = {}
        for p in range(start, start + k):
            by_track.setdefault(model[p], []).append(p)
        body = {"tracks": [{"track_id": t, "positions": ps} for t, ps in by_track.items()]}
        t, _ = api.call("DELETE", f"/api/v1/playlists/{pid}/tracks", body)
        remove_s.append(t)
        del model[start:start + k]
        t, _ = api.call("POST", f"/api/v1/playlists/{pid}/tracks", {"track_ids": batch})
        add_s.append(t)
        model.extend(batch)
    # The server's playlist must be the client's model: nothing lost, nothing misplaced.
    got = []
    while len(got) < MAX_ITEMS:
        _, page = api.call("GET", f"/api/v1/playlists/{pid}/tracks?limit=100&offset={len(got)}")
        got.extend(item["track_id"] for item in page["items"])
        if not page["items"]:
            break
    if got != model:
        sys.exit("bench: the playlist on the server differs from the client's model")

    # ---- Peer: the same rows into SQLite, one transaction per request, the durability Sonora
    # uses (WAL, synchronous=FULL). No rules, no renumbering, no log, no HTTP: a floor.
    db_path = os.path.join(work, "peer.db")
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE playlist_tracks (playlist_id TEXT NOT NULL, position INTEGER NOT NULL,"
               " track_id TEXT NOT NULL, added_at_ms BIGINT NOT NULL, added_by_user_id TEXT NOT"
               " NULL, PRIMARY KEY (playlist_id, position))")
    next_pos = 0

    def insert(batch):
        nonlocal next_pos
        now = int(time.time() * 1000)
        rows = [(pid, next_pos + i, t, now, "user_bench") for i, t in enumerate(batch)]
        next_pos += len(batch)
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO playlist_tracks VALUES (?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
        return time.perf_counter() - start

    peer_grow = [insert(b) for b in grow]
    positions = list(range(next_pos))  # the peer's rows in playlist order
    peer_remove, peer_add = [], []
    for start, batch in plan_pairs:
        k = len(batch)
        gone = positions[start:start + k]
        del positions[start:start + k]
        t0 = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.executemany("DELETE FROM playlist_tracks WHERE playlist_id = ? AND position = ?",
                       [(pid, p) for p in gone])
        db.execute("COMMIT")
        peer_remove.append(time.perf_counter() - t0)
        first = next_pos
        peer_add.append(insert(batch))
        positions.extend(range(first, next_pos))
    db.close()

    rows_pairs = sum(len(b) for _, b in plan_pairs)
    report("sonora_grow", grow_s, MAX_ITEMS)
    report("sqlite_grow", peer_grow, MAX_ITEMS)
    report("sonora_remove", remove_s, rows_pairs)
    report("sqlite_remove", peer_remove, rows_pairs)
    report("sonora_add", add_s, rows_pairs)
    report("sqlite_add", peer_add, rows_pairs)


if __name__ == "__main__":
    main()
