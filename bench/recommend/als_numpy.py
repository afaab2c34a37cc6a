#!/usr/bin/python3
"""Implicit ALS with the per-row conjugate-gradient solver, in NumPy: the peer that
bench/recommend/run times beside Sonora's C++ (src/recommend/cf_model.cc) on the same data from
the same starting factors (written by recommend_bench).

The same algorithm step for step: per sweep, G = Y^T Y + lambda I, then for every row 3 CG steps
warm-started from the row's current value, on (G + sum (c-1) y y^T) x = sum c p y with
p = [r > 0], c = 1 + alpha |r|. Rows are processed in vectorized blocks (every row of a block
advances one CG step at once); the per-entry gathers and scatters are NumPy fancy indexing and
np.add.reduceat. float32 throughout, as in Sonora. Loss: the same objective divided by
users * items, in float64, excluded from the timing.

Usage: als_numpy.py DATA_FILE ITERATIONS
"""
import json
import sys
import time

import numpy as np

# Entries per block: bounds the (entries x factors) temporaries (~128 MiB at 64 factors).
BLOCK_ENTRIES = 500_000


def read(path):
    with open(path, "rb") as f:
        users, items, nnz, factors = np.fromfile(f, dtype=np.int64, count=4)
        alpha, lam = np.fromfile(f, dtype=np.float32, count=2)
        (cg_steps,) = np.fromfile(f, dtype=np.int64, count=1)
        indptr = np.fromfile(f, dtype=np.int64, count=users + 1)
        indices = np.fromfile(f, dtype=np.int32, count=nnz)
        data = np.fromfile(f, dtype=np.float32, count=nnz)
        x = np.fromfile(f, dtype=np.float32, count=users * factors).reshape(users, factors)
        y = np.fromfile(f, dtype=np.float32, count=items * factors).reshape(items, factors)
    return dict(users=int(users), items=int(items), factors=int(factors), alpha=np.float32(alpha),
                lam=np.float32(lam), cg_steps=int(cg_steps), indptr=indptr, indices=indices,
                data=data, x=x, y=y)


def transpose(indptr, indices, data, cols):
    """CSR of the transpose (by item), columns ascending like Sonora's."""
    rows = np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))
    order = np.lexsort((rows, indices))
    t_indptr = np.zeros(cols + 1, dtype=np.int64)
    np.cumsum(np.bincount(indices, minlength=cols), out=t_indptr[1:])
    return t_indptr, rows[order], data[order]


def blocks(indptr):
    """Row ranges whose entries add up to about BLOCK_ENTRIES."""
    n = len(indptr) - 1
    start = 0
    while start < n:
        end = int(np.searchsorted(indptr, indptr[start] + BLOCK_ENTRIES, side="right")) - 1
        end = max(end, start + 1)
        end = min(end, n)
        yield start, end
        start = end


def segment_sum(values, starts, nonempty, rows):
    """Per-row sums of `values` (entries x f) for rows with entries; zeros elsewhere."""
    out = np.zeros((rows, values.shape[1]), dtype=np.float32)
    if len(values):
        out[nonempty] = np.add.reduceat(values, starts[nonempty], axis=0)
    return out


def solve_side(indptr, indices, data, solve, fixed, alpha, lam, cg_steps):
    f = fixed.shape[1]
    gram = (fixed.T @ fixed + lam * np.eye(f, dtype=np.float32)).astype(np.float32)
    for a, b in blocks(indptr):
        s, e = indptr[a], indptr[b]
        counts = np.diff(indptr[a:b + 1])
        rows = b - a
        nonempty = counts > 0
        starts = (indptr[a:b] - s).astype(np.int64)
        row_of = np.repeat(np.arange(rows), counts)
        yv = fixed[indices[s:e]]
        v = data[s:e]
        c = (1 + alpha * np.abs(v)).astype(np.float32)
        p = (v > 0).astype(np.float32)
        x = solve[a:b]
        dot = np.einsum("ij,ij->i", yv, x[row_of])
        r = -(x @ gram) + segment_sum(((c * p - (c - 1) * dot)[:, None] * yv), starts, nonempty, rows)
        d = r.copy()
        rs_old = np.einsum("ij,ij->i", r, r)
        active = rs_old >= 1e-20
        for _ in range(cg_steps):
            dot = np.einsum("ij,ij->i", yv, d[row_of])
            ad = d @ gram + segment_sum((((c - 1) * dot)[:, None] * yv), starts, nonempty, rows)
            denom = np.einsum("ij,ij->i", d, ad)
            step = np.where(active, rs_old / np.where(active, denom, 1), 0).astype(np.float32)
            x += step[:, None] * d
            r -= step[:, None] * ad
            rs_new = np.einsum("ij,ij->i", r, r)
            active = active & (rs_new >= 1e-20)
            beta = np.where(active, rs_new / np.where(rs_old > 0, rs_old, 1), 0).astype(np.float32)
            d = r + beta[:, None] * d
            rs_old = np.where(active, rs_new, rs_old)
        solve[a:b] = x


def loss(indptr, indices, data, x, y, alpha, lam):
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    total = float(np.einsum("ij,ij->", x64 @ (y64.T @ y64), x64))
    for a, b in blocks(indptr):
        s, e = indptr[a], indptr[b]
        row_of = np.repeat(np.arange(a, b), np.diff(indptr[a:b + 1]))
        sc = np.einsum("ij,ij->i", x64[row_of], y64[indices[s:e]])
        v = data[s:e].astype(np.float64)
        c = 1 + float(alpha) * np.abs(v)
        p = (v > 0).astype(np.float64)
        total += float(np.sum(c * (p - sc) ** 2 - sc * sc))
    total += float(lam) * (float(np.sum(x64 * x64)) + float(np.sum(y64 * y64)))
    return total / (x.shape[0] * y.shape[0])


def main():
    m = read(sys.argv[1])
    iterations = int(sys.argv[2])
    t_indptr, t_indices, t_data = transpose(m["indptr"], m["indices"], m["data"], m["items"])
    x, y = m["x"], m["y"]
    total = 0.0
    last = 0.0
    for it in range(1, iterations + 1):
        start = time.perf_counter()
        solve_side(m["indptr"], m["indices"], m["data"], x, y, m["alpha"], m["lam"], m["cg_steps"])
        solve_side(t_indptr, t_indices, t_data, y, x, m["alpha"], m["lam"], m["cg_steps"])
        seconds = time.perf_counter() - start
        total += seconds
        last = loss(m["indptr"], m["indices"], m["data"], x, y, m["alpha"], m["lam"])
        print(f"numpy iteration {it}: {seconds:.3f} s, loss {last:.8f}", flush=True)
    print(json.dumps({"impl": "numpy", "seconds_per_iteration": round(total / max(1, iterations), 4),
                      "loss": last}))


if __name__ == "__main__":
    main()
