"""What diagnosing the refuted steps of the scored corpus costs, beside a plain check.

    python benchmarks/bench_diagnose.py

Each document in ``tests/corpus/`` is checked in the same run with the scoring test's options:
once to warm SymPy's caches, once plainly (``diagnose=False``) and once with the diagnosis of
every refuted step.
Per document it prints both wall times, the refuted steps, the extra seconds per refuted
step, and how many diagnoses name the slip the key plants (``false{sign}``). The script
measures and prints; it never asserts (``tests/test_diagnose.py`` holds the bar).
"""
from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _scorer():
    spec = importlib.util.spec_from_file_location("corpus_scoring", ROOT / "tests" / "test_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    from xentsym.checkdoc import check_document
    from xentsym.verify import Options
    sc = _scorer()
    options = Options(samples=400, seed=0, timeout=20)
    rows, totals = [], [0.0, 0.0, 0, 0, 0, 0]
    for doc in sc.documents():
        slips = sc.read_slips(sc.key_path(doc))
        planted = sum(v == "false" for vs in sc.read_key(sc.key_path(doc)).values() for v in vs)
        check_document(str(doc), options, diagnose=False)  # warm-up: SymPy's caches fill
        started = time.perf_counter()
        check_document(str(doc), options, diagnose=False)
        plain = time.perf_counter() - started
        started = time.perf_counter()
        report = check_document(str(doc), options, diagnose=True)
        full = time.perf_counter() - started
        refuted = [s for s in report.steps if s.status == "refuted"]
        seen: dict[int, int] = {}
        named = 0
        for s in report.steps:
            order = seen.get(s.line, 0)
            seen[s.line] = order + 1
            if s.diagnosis is not None and slips.get((s.line, order)) == s.diagnosis.kind:
                named += 1
        found = sum(s.diagnosis is not None for s in refuted)
        rows.append((doc.name, plain, full, len(refuted), found, named, planted))
        for k, v in enumerate((plain, full, len(refuted), found, named, planted)):
            totals[k] += v
    head = f"{'document':<28} {'plain':>7} {'+diag':>7} {'refuted':>7} {'s/step':>7} " \
           f"{'found':>5} {'named':>5} {'planted':>7}"
    print(head)
    print("-" * len(head))
    for name, plain, full, refuted, found, named, planted in rows + [("TOTAL", *totals)]:
        per = (full - plain) / refuted if refuted else 0.0
        print(f"{name:<28} {plain:6.1f}s {full:6.1f}s {refuted:7d} {per:6.2f}s {found:5d} "
              f"{named:5d} {planted:7d}")
    plain, full, refuted, found, named, planted = totals
    print(f"\ndiagnosis: {found}/{refuted} refuted steps diagnosed, {named}/{planted} planted "
          f"slips named ({named / planted:.0%}); {(full - plain) / max(refuted, 1):.2f} s "
          f"extra per refuted step beside a plain check of {plain:.1f} s for the corpus")


if __name__ == "__main__":
    main()
