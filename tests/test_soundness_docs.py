"""The soundness corpus: documents whose displays carry the verdicts they must get.

Each file in ``tests/data/soundness`` puts ``<!-- expect: STATUS ... -->`` (Markdown) or
``% expect: STATUS ...`` (LaTeX) before a display: one status per step of its chains, in
reading order. The expectations were written by hand from the mathematics, not from
xentsym's output. Whatever the file, a refutation must carry a finite witness and nothing
may end in an internal error.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from xentsym import document as docs
from xentsym.checkdoc import check_document
from xentsym.cli import main
from xentsym.verify import Options

CORPUS = Path(__file__).resolve().parent / "data" / "soundness"
FILES = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".md", ".tex"))
EXPECT = re.compile(r"(?:<!--|%)\s*expect:\s*([a-z ]+?)\s*(?:-->|$)", re.M)
OPTIONS = Options(samples=400, seed=0, timeout=20)


def expectations(path: Path) -> dict[int, list[str]]:
    """Display index -> expected statuses: the last expect mark between it and the one before."""
    doc = docs.read_document(str(path))
    marks = [(m.start(), m.group(1).split()) for m in EXPECT.finditer(doc.text)]
    out, previous_end = {}, -1
    for k, display in enumerate(docs.displays(doc)):
        mine = [want for at, want in marks if previous_end < at < display.start]
        if mine:
            out[k] = mine[-1]
        previous_end = display.end
    return out


def actual(path: Path, report) -> dict[int, list[str]]:
    doc = docs.read_document(str(path))
    chain_display = {}
    for k, display in enumerate(docs.displays(doc)):
        for chain in docs.chains(display, len(chain_display) + 1):
            chain_display[chain.number] = k
    out: dict[int, list[str]] = {}
    for s in report.steps:
        out.setdefault(chain_display[s.chain], []).append(s.status)
    return out


@pytest.mark.parametrize("name", FILES)
def test_every_display_gets_the_verdict_the_mathematics_says(name):
    path = CORPUS / name
    report = check_document(str(path), OPTIONS)
    want, got = expectations(path), actual(path, report)
    assert want, "the corpus file has no expectations"
    wrong = {k: (want[k], got.get(k)) for k in want if got.get(k) != want[k]}
    assert not wrong, f"{name}: display -> (expected, got): {wrong}\n{report.text()}"


@pytest.mark.parametrize("name", FILES)
def test_refutations_carry_a_finite_witness(name):
    report = check_document(str(CORPUS / name), OPTIONS)
    for s in report.steps:
        if s.status != "refuted" or s.counterexample is None:
            continue
        lhs = s.counterexample["lhs"]
        assert isinstance(lhs, (int, float)) and math.isfinite(lhs), s
        for value in s.counterexample["values"].values():
            flat = value if isinstance(value, list) else [value]
            while flat and isinstance(flat[0], list):
                flat = [v for row in flat for v in row]
            assert all(math.isfinite(v) for v in flat), s


@pytest.mark.parametrize("name", FILES)
def test_false_claims_fail_the_file(name, capsys):
    want = expectations(CORPUS / name)
    has_false = any(w in ("refuted", "unproven", "unparsed") for ws in want.values() for w in ws)
    code = main(["check-doc", str(CORPUS / name), "--samples", "400"])
    out = capsys.readouterr()
    assert "internal error" not in out.err + out.out and "Traceback" not in out.err
    assert code == (1 if has_false or name.startswith("definitions") else 0)
