"""The free symbols of sums, remembered while a command checks, are SymPy's own."""
from __future__ import annotations

import sympy as sp

from xentsym import freesymbols


def test_remembered_free_symbols_are_sympys_and_each_answer_is_a_new_set():
    i, k = sp.symbols("i k", integer=True, positive=True)
    n, x = sp.Symbol("n", integer=True, positive=True), sp.IndexedBase("x")
    inner = sp.Sum(x[i] * x[k], (k, 1, i))
    outer = sp.Sum(sp.log(1 + inner), (i, 1, n))
    product = sp.Product(x[i], (i, 1, n))
    before = (set(inner.free_symbols), set(outer.free_symbols), set(product.free_symbols))
    freesymbols.remember()
    try:
        for _ in range(2):  # computed, then remembered
            got = outer.free_symbols
            assert got == before[1] and inner.free_symbols == before[0]
            got.add(sp.Symbol("junk"))  # SymPy's callers change what they get
            inner.free_symbols.discard(i)
        assert outer.free_symbols == before[1] and inner.free_symbols == before[0]
        assert product.free_symbols == before[2] and n in before[2]
    finally:
        freesymbols.forget()
    assert outer.free_symbols == before[1]
