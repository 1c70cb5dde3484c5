"""The compiled CSR assembly against the NumPy argsort formulation it replaced, and scipy."""

import numpy as np
import pytest
from scipy.sparse import coo_matrix

from leonet.network._csr_kernel import csr_order


def _numpy_order(src, dst, weight, n):
    """Stable argsort of the (src, dst) key; the first lightest of each duplicate group."""
    key = src * np.int64(n) + dst
    order = np.argsort(key, kind="stable")
    ks = key[order]
    first = np.ones(ks.size, dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    group = np.cumsum(first) - 1
    w = weight[order]
    lightest = np.full(group[-1] + 1 if group.size else 0, np.inf)
    np.minimum.at(lightest, group, w)
    chosen = np.flatnonzero(w == lightest[group])
    new_group = np.ones(chosen.size, dtype=bool)
    new_group[1:] = group[chosen][1:] != group[chosen][:-1]
    pick = chosen[new_group]
    keep = order[pick]
    return keep, np.searchsorted(src[keep], np.arange(n + 1))


@pytest.mark.parametrize(
    ("n", "m", "seed"), [(1, 0, 0), (1, 5, 1), (7, 60, 2), (500, 4000, 3), (3000, 900, 4)]
)
def test_matches_the_argsort_formulation(n, m, seed):
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.integers(0, 4, m).astype(np.float64)  # many duplicates and ties
    keep, indptr = csr_order(src, dst, weight, n)
    want_keep, want_indptr = _numpy_order(src, dst, weight, n)
    np.testing.assert_array_equal(keep, want_keep)
    np.testing.assert_array_equal(indptr, want_indptr)


def test_gives_scipys_minimum_graph():
    rng = np.random.default_rng(7)
    n, m = 300, 5000
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.uniform(1.0, 2.0, m)
    keep, indptr = csr_order(src, dst, weight, n)
    # The kept weight of each (src, dst) pair is the minimum of its duplicates.
    dense = np.full((n, n), np.inf)
    np.minimum.at(dense, (src, dst), weight)
    rows = np.repeat(np.arange(n), np.diff(indptr))
    np.testing.assert_array_equal(weight[keep], dense[rows, dst[keep]])
    assert np.isfinite(dense).sum() == keep.size
    # Rows are sorted by column within each row, as scipy's canonical format wants.
    pattern = coo_matrix((np.ones(m), (src, dst)), shape=(n, n)).tocsr()
    np.testing.assert_array_equal(indptr, pattern.indptr)
    np.testing.assert_array_equal(dst[keep], pattern.indices)


@pytest.mark.parametrize(("n", "m", "seed"), [(1, 3, 0), (50, 400, 1), (3000, 20000, 2)])
def test_the_reversed_graph_is_the_counting_sort_on_dst_then_src(n, m, seed):
    """NetworkGraph.csr_reversed (SciPy's transpose of the deduplicated graph) holds the
    arrays the counting sort of its edges on (dst, src) gives, the way it was built."""
    from types import SimpleNamespace

    from scipy.sparse import csr_matrix

    from leonet.network.graph import NetworkGraph

    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.integers(1, 4, m).astype(np.float64)  # duplicates and ties
    keep, indptr = csr_order(src, dst, weight, n)
    forward = csr_matrix(
        (weight[keep], dst[keep].astype(np.int32), indptr.astype(np.int32)), shape=(n, n)
    )
    graph = SimpleNamespace(csr=forward)
    got = NetworkGraph.csr_reversed.func(graph)  # the cached property's function
    e_src, e_dst = src[keep], dst[keep]
    order, r_indptr = csr_order(e_dst, e_src, forward.data, n)
    np.testing.assert_array_equal(got.indptr, r_indptr)
    np.testing.assert_array_equal(got.indices, e_src[order])
    np.testing.assert_array_equal(got.data, forward.data[order])
    assert got.indices.dtype == np.int32 and got.indptr.dtype == np.int32
