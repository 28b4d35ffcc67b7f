"""The scored corpus: documents written in the styles of real notes, each with an answer key.

``tests/corpus/NAME.md`` (or ``.tex``) is a document in its author's own notation; beside it,
``NAME.key`` says, line by line, what each step reported on that line is mathematically:

    LINE: V [V ...]  # optional note

with one V per step, in order, each one of ``true``, ``false`` (a planted error),
``definition``, ``condition`` or ``unchecked`` (an approximation or a limit). A planted error
may name its slip, ``false{sign}``, with a kind of :mod:`xentsym.slips` (scored by
``tests/test_diagnose.py``). The keys were written by hand from the mathematics, never from
xentsym's output.

The test fails on a false verdict -- a step the key calls true (or a definition, a condition,
an approximation) that check-doc refutes, or a planted error that it verifies -- and on a
step that check-doc reports but the key does not mention. Steps left unproven or unparsed are
not false verdicts: how many true steps are verified is measured by
``benchmarks/bench_corpus.py``, not asserted here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
VALUES = ("true", "false", "definition", "condition", "unchecked")
KEY_LINE = re.compile(r"^\s*(\d+)\s*:\s*([^#]*?)\s*(?:#.*)?$")
SLIP_TAG = re.compile(r"(?<=^false)\{([a-z]+)\}$")

# A document whose key is right but that check-doc gets wrong today: the reason names the
# lines. Each is a bug (or a missing reading) in xentsym, reported to the lead; strict, so
# the mark must go when the verdict is fixed.
XFAIL: dict[str, str] = {
}


def documents() -> list[Path]:
    """Every corpus document, in name order."""
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".md", ".tex"))


def read_key(path: Path) -> dict[int, list[str]]:
    """Line -> the verdicts the mathematics gives its steps, in order; a bad line raises."""
    key: dict[int, list[str]] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        m = KEY_LINE.match(text)
        if m is None:
            raise ValueError(f"{path.name}:{number}: not 'LINE: V [V ...]  # note': {raw!r}")
        values = [SLIP_TAG.sub("", v) for v in m.group(2).split()]
        bad = [v for v in values if v not in VALUES]
        if not values or bad:
            raise ValueError(f"{path.name}:{number}: unknown verdict(s) {bad or values}; "
                             f"use {', '.join(VALUES)}")
        line = int(m.group(1))
        if line in key:
            raise ValueError(f"{path.name}:{number}: line {line} is keyed twice")
        key[line] = values
    return key


def read_slips(path: Path) -> dict[tuple[int, int], str]:
    """(line, order on the line) -> the slip a planted error names (``false{sign}``)."""
    out = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        m = KEY_LINE.match(raw.strip())
        if m is None or raw.strip().startswith("#"):
            continue
        for order, value in enumerate(m.group(2).split()):
            tag = SLIP_TAG.search(value)
            if tag:
                out[(int(m.group(1)), order)] = tag.group(1)
    return out


@dataclass(frozen=True)
class Scored:
    """One reported step beside what the key says it is (``None`` when the key is silent)."""

    file: str
    line: int
    order: int  # 0 for the first step reported on the line
    expected: str | None
    status: str
    message: str

    def where(self) -> str:
        return f"{self.file}:{self.line}"


def match(name: str, steps, key: dict[int, list[str]]) -> list[Scored]:
    """Pair each reported step (anything with ``line``, ``status``, ``message``) with its key
    entry by (line, order on that line)."""
    seen: dict[int, int] = {}
    out = []
    for s in steps:
        order = seen.get(s.line, 0)
        seen[s.line] = order + 1
        wanted = key.get(s.line, [])
        expected = wanted[order] if order < len(wanted) else None
        out.append(Scored(name, s.line, order, expected, s.status, s.message or ""))
    return out


def is_false_verdict(expected: str | None, status: str) -> bool:
    """A claim the key calls right that check-doc refutes, or a planted error it verifies."""
    if expected == "false":
        return status == "verified"
    return expected is not None and status == "refuted"


def problems(scored: list[Scored]) -> list[str]:
    """Every false verdict and every unkeyed step, as ``file:line: ...`` lines."""
    out = []
    for s in scored:
        if s.expected is None:
            out.append(f"{s.where()}: step {s.order + 1} on this line is not in the key "
                       f"(got {s.status}: {s.message})")
        elif is_false_verdict(s.expected, s.status):
            out.append(f"{s.where()}: expected {s.expected}, got {s.status}: {s.message}")
    return out


def check(path: Path):
    """check-doc's report on one corpus document, in-process, as the soundness tests run it."""
    from xentsym.checkdoc import check_document
    from xentsym.verify import Options

    return check_document(str(path), Options(samples=400, seed=0, timeout=20), diagnose=False)


def key_path(doc: Path) -> Path:
    return doc.with_suffix(".key")


# ---------------------------------------------------------------------------- the tests


def test_the_corpus_has_at_least_15_documents_each_with_a_key_and_a_planted_error():
    docs = documents()
    assert len(docs) >= 15, [d.name for d in docs]
    stems = [d.stem for d in docs]
    assert len(set(stems)) == len(stems), "two documents share a key name"
    for doc in docs:
        key = read_key(key_path(doc))  # raises on a missing or malformed key
        assert key, f"{doc.name}: the key is empty"
        assert any("false" in vs for vs in key.values()), f"{doc.name}: no planted error"
        assert any("true" in vs for vs in key.values()), f"{doc.name}: no true step"
        lines = doc.read_text(encoding="utf-8").splitlines()
        outside = [n for n in key if not 1 <= n <= len(lines) or not lines[n - 1].strip()]
        assert not outside, f"{doc.name}: key lines {outside} are blank or past the end"
    orphans = {p.stem for p in CORPUS.glob("*.key")} - set(stems)
    assert not orphans, f"keys without a document: {sorted(orphans)}"


PARAMS = [pytest.param(d.name, marks=pytest.mark.xfail(strict=True, reason=XFAIL[d.name]))
          if d.name in XFAIL else d.name for d in documents()]


@pytest.mark.parametrize("name", PARAMS)
def test_no_false_verdict_and_every_step_keyed(name):
    doc = CORPUS / name
    key = read_key(key_path(doc))
    report = check(doc)
    found = problems(match(name, report.steps, key))
    assert not found, "\n".join(found)


def test_the_scorer_reports_false_verdicts_and_unkeyed_steps():
    @dataclass
    class Step:
        line: int
        status: str
        message: str = ""

    key = {3: ["true", "false"], 5: ["false"], 7: ["definition"], 9: ["true"]}
    steps = [Step(3, "refuted", "counterexample {x: 1}"),  # true, refuted: wrong
             Step(3, "refuted"),                            # false, refuted: right
             Step(5, "verified"),                           # false, verified: wrong
             Step(7, "defined"),                            # right
             Step(9, "unproven"),                           # a miss, not a false verdict
             Step(11, "verified")]                          # not in the key
    found = problems(match("synthetic.md", steps, key))
    assert found == [
        "synthetic.md:3: expected true, got refuted: counterexample {x: 1}",
        "synthetic.md:5: expected false, got verified: ",
        "synthetic.md:11: step 1 on this line is not in the key (got verified: )",
    ]
    # A third step on a line keyed with two is unkeyed too.
    extra = problems(match("s.md", [Step(3, "verified"), Step(3, "refuted"),
                                    Step(3, "unparsed")], key))
    assert extra == ["s.md:3: step 3 on this line is not in the key (got unparsed: )"]


def test_a_malformed_key_is_an_error(tmp_path):
    bad = tmp_path / "bad.key"
    bad.write_text("3: true maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown verdict"):
        read_key(bad)
    bad.write_text("# fine\n4 true\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not 'LINE"):
        read_key(bad)
    bad.write_text("4: true\n4: false\n", encoding="utf-8")
    with pytest.raises(ValueError, match="keyed twice"):
        read_key(bad)
