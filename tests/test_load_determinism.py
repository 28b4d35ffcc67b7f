"""Verdicts do not depend on how busy the machine is.

The derivations and the annotated lecture are checked once on a quiet machine, then 20
times while a pool of busy-looping processes competes for the cores. Every run must give
the same verdict, symbolic and numeric status and counterexample for every step.
"""
from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path


from xentsym.checkdoc import check_document
from xentsym.discover import discover
from xentsym.verify import Options, verify

ROOT = Path(__file__).resolve().parents[1]
ANNOTATED = ROOT / "tests" / "data" / "lecture_annotated.md"
OPTIONS = Options(samples=500, seed=7, timeout=30)
RUNS = 20
LOAD_SECONDS = 300  # the busy loops end on their own even if the test is killed


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    x = 0
    while time.monotonic() < end:
        x = (x * 1103515245 + 12345) % 2147483648


def _fingerprint() -> tuple:
    derivations = verify(discover([str(ROOT / "derivations")]), OPTIONS)
    steps = tuple((d.derivation.name, s.step.index, s.status, s.symbolic.status,
                   s.numeric.status, s.numeric.samples, repr(s.numeric.counterexample))
                  for d in derivations for s in d.steps)
    doc = check_document(str(ANNOTATED), OPTIONS)
    rows = tuple((s.line, s.chain, s.step, s.status, s.message) for s in doc.steps)
    return steps, rows


def test_same_verdicts_on_a_loaded_machine():
    quiet = _fingerprint()
    ctx = mp.get_context("spawn")
    spinners = [ctx.Process(target=_spin, args=(LOAD_SECONDS,), daemon=True)
                for _ in range(3)]
    try:
        for p in spinners:
            p.start()
        for run in range(RUNS):
            assert _fingerprint() == quiet, f"run {run} under load differs from the quiet run"
    finally:
        for p in spinners:
            p.terminate()
        for p in spinners:
            p.join(5)
    assert not any(p.is_alive() for p in spinners)
