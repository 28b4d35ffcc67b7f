"""Fuzzing the readers: generated LaTeX and Markdown never escape as a traceback.

Hypothesis builds LaTeX from the lecture's own tokens (sums, logs, fractions, indices,
hats, p(x_i), H(p,q), D_KL, arg max, cases ...) mixed with junk bytes and unicode, plus
well-formed expressions from a small recursive grammar, and whole Markdown documents made
of such formulas, prose, hint comments and fences. Every input goes through
``xentsym.parse`` (``parse``, ``parse_chain``) and ``xentsym.checkdoc.check_document``:
the only exceptions allowed are ``XentsymError`` subclasses, and each names where it
happened -- line and column for a parse error, at least the file for a document.

The runs are derandomised (the same examples every time, so CI is stable); set
``XENTSYM_FUZZ_RANDOM=1`` to explore new ones.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xentsym.checkdoc import check_document
from xentsym.errors import ParseError, XentsymError
from xentsym.parse import parse, parse_chain
from xentsym.verify import Options

SETTINGS = dict(deadline=None, database=None,
                derandomize=not os.environ.get("XENTSYM_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DOC_OPTIONS = Options(samples=50, timeout=2)

TOKENS = [
    r"\sum_{i=1}^{N}", r"\sum_{i=1}^n", r"\sum_{k=1}^{K}", r"\sum_i", r"\prod_{i=1}^{N}",
    r"\log", r"\log_{2}", r"\frac{", r"\frac{1}{N}", "}", "{", "_", "^", "_{", "^{",
    r"\hat{y}", r"\hat{y}_i", r"\hat{y}^{(i)}", r"y^{(i)}", "y_i", r"y_{(i,k)}",
    r"\hat{y}_{(i,k)}", "p(x_i)", "q(x_i)", "p(x)", "H(p,q)", "H(p)", "H(X)",
    r"D_{KL}(p||q)", r"D_{KL}(p \| q)", "I(x_0)", r"p_{\theta}(Y=1|x_i)", r"P(Y = y_i | \beta)",
    r"\beta", r"\theta", r"(1-\beta)", r"\beta^{y_i}", "(", ")", "[", "]", r"\left(",
    r"\right)", "+", "-", "=", r"\cdot", r"\times", "1", "2", "0.5", "N", "n", "i", "k", "K",
    r"\arg\max_{\theta}", r"\arg\min_{\theta}", r"\begin{cases}", r"\end{cases}",
    r"\begin{aligned}", r"\end{aligned}", "&", r"\\", r"\text{if }", r"\text{otherwise}",
    r"\,", " ", r"\le", r"\ge", "!", "|", r"\|", r"\mathcal{L}", "J(w)", r"\infty", "e",
    r"\exp", r"\sqrt{", "'", ",", ".", "%", "#", "$", r"\\", "\n",
]
JUNK = st.text(max_size=4) | st.binary(max_size=4).map(lambda b: b.decode("latin-1"))
TOKEN_SOUP = st.lists(st.sampled_from(TOKENS) | JUNK, max_size=25).map("".join)

LEAVES = st.sampled_from([
    "y_i", r"\hat{y}_i", r"y^{(i)}", r"\hat{y}^{(i)}", "p(x_i)", "q(x_i)", r"\beta", "N", "n",
    "2", "1", r"\frac{1}{N}", "H(p,q)", "H(p)", r"D_{KL}(p||q)", r"(1-\beta)", r"(1 - y_i)",
])


def _grow(inner):
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", r"\cdot", " "]), inner)
        .map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        inner.map(lambda e: rf"\log\left({e}\right)"),
        inner.map(lambda e: rf"\log {e}"),
        st.tuples(inner, inner).map(lambda t: rf"\frac{{{t[0]}}}{{{t[1]}}}"),
        st.tuples(inner, inner).map(lambda t: f"{{{t[0]}}}^{{{t[1]}}}"),
        inner.map(lambda e: rf"\sum_{{i=1}}^{{N}} {e}"),
        inner.map(lambda e: rf"-\sum_{{i=1}}^{{n}} \left({e}\right)"),
        inner.map(lambda e: f"({e})"),
    )


EXPRESSIONS = st.recursive(LEAVES, _grow, max_leaves=8)
CHAINS = st.lists(EXPRESSIONS, min_size=2, max_size=3).map(" = ".join)
LATEX = TOKEN_SOUP | EXPRESSIONS | CHAINS


def _located(exc: XentsymError, text: str) -> None:
    assert exc.line is not None and exc.column is not None, (text, exc.message)
    assert exc.line >= 1 and exc.column >= 1, (text, exc.line, exc.column)


def _read(reader, text, **where):
    try:
        reader(text, **where)
    except XentsymError as exc:
        return exc
    return None


@settings(max_examples=100, **SETTINGS)
@given(LATEX)
def test_parse_raises_only_located_xentsym_errors(text):
    for reader in (parse, parse_chain):
        exc = _read(reader, text, file="fuzz.tex", line=1, column=1)
        if exc is not None:
            assert isinstance(exc, ParseError), type(exc)
            _located(exc, text)
            assert exc.file == "fuzz.tex"
        # Without a location the column is still known (the line is then relative).
        exc = _read(reader, text)
        if exc is not None:
            assert exc.column is not None, (text, exc.message)


PROSE = st.sampled_from([
    "Some words about the loss.", "# A heading", "- a list item", "> a quote",
    "Inline $y_i$ math and $$", "```", "```python\nx = 1\n```", "<!-- a comment -->",
    "\\[", "\\]", "| a | table |", "", "$", "$$$$",
])
HINTS = st.builds(lambda e: f"<!-- xentsym: q = {e} -->", EXPRESSIONS) | st.sampled_from([
    r"<!-- xentsym: q = 1 - p -->", "<!-- xentsym: = -->", "<!-- xentsym:", "<!-- xentsym -->",
])
DISPLAYS = st.one_of(
    LATEX.map(lambda e: f"$${e}$$"),
    CHAINS.map(lambda e: f"$$\n{e}\n$$"),
    st.lists(EXPRESSIONS, min_size=2, max_size=3).map(
        lambda es: "$$\\begin{aligned}\n" + " \\\\\n".join(f"&= {e}" for e in es)
        + "\n\\end{aligned}$$"),
    LATEX.map(lambda e: f"\\[{e}\\]"),
)
DOCUMENTS = st.lists(PROSE | HINTS | DISPLAYS | JUNK, max_size=6).map("\n\n".join)


@settings(max_examples=40, **SETTINGS)
@given(DOCUMENTS, st.sampled_from([".md", ".tex"]))
def test_check_document_raises_only_located_xentsym_errors(text, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            report = check_document(str(path), DOC_OPTIONS)
        except XentsymError as exc:
            assert exc.file is not None, exc.message
            return
        for step in report.steps:
            assert step.line >= 1
            assert step.status in ("verified", "refuted", "unproven", "unparsed", "defined")
        report.to_json()  # serialisable whatever the input


@settings(max_examples=30, **SETTINGS)
@given(st.binary(max_size=300))
def test_check_document_survives_arbitrary_bytes(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bytes.md"
        path.write_bytes(data)
        try:
            check_document(str(path), DOC_OPTIONS)
        except XentsymError as exc:
            assert exc.file is not None, exc.message
