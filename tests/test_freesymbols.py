"""The free symbols of sums, remembered while a command checks, are SymPy's own."""
from __future__ import annotations

from pathlib import Path

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


def test_a_command_leaves_sympy_as_it_found_it(tmp_path):
    from sympy.concrete.expr_with_limits import ExprWithLimits
    from xentsym.cli import main
    original = ExprWithLimits.free_symbols
    doc = tmp_path / "d.md"
    doc.write_text("$$\\sum_{i=1}^{n} 2 x_i = 2 \\sum_{i=1}^{n} x_i$$\n", encoding="utf-8")
    assert main(["check-doc", str(doc)]) == 0
    scripts = str(Path(__file__).resolve().parents[1] / "derivations")
    assert main(["verify", scripts, "--only", "kl-split", "--no-cache", "-j", "1"]) == 0
    assert ExprWithLimits.free_symbols is original and not freesymbols._KEPT
