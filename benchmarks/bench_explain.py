"""What explaining a step costs beside checking it, per step of the lecture, in the same run.

    python benchmarks/bench_explain.py                  # the shared lecture
    python benchmarks/bench_explain.py NOTES.md --samples 300

For every verified step of the document: the plain check of the claim check-doc built (one
``check_step``, as check-doc runs it), then the explanation of the same claim (the search
plus a full check of every step of the chain found). Printed: the seconds of each, their
ratio, the rule applications the search spent and the rules found. Nothing is asserted.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from xentsym import explain as X
from xentsym.check.worker import Worker
from xentsym.verify import Options, check_step

LECTURE = Path(__file__).resolve().parents[2] / "shared" / "lecture" / "cross-entropy-lecture.md"


def measure(path: str, options: Options, budget: int) -> list[tuple]:
    """(line, step, check seconds, explain seconds, applications, rules or reason) per
    verified step."""
    out = []
    with Worker() as worker:
        checker = X._read(path, options, worker)
        for row in checker.report.steps:
            sent = checker.claims.get(id(row), [])
            if row.status != "verified" or not sent:
                continue
            claim, scope = sent[-1]
            started = time.perf_counter()
            check_step(claim, scope, options, worker)
            plain = time.perf_counter() - started
            started = time.perf_counter()
            a = X.attempt(claim.before, claim.after, scope, budget, relation=claim.relation,
                          wrt=claim.wrt, sense=claim.sense, given=claim.given,
                          options=options, worker=worker)
            explained = time.perf_counter() - started
            what = " > ".join(a.explanation.rules) if a.explanation else a.reason
            out.append((row.line, row.step, plain, explained, a.applications, what))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(LECTURE))
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--budget", type=int, default=X.BUDGET)
    args = ap.parse_args()
    options = Options(samples=args.samples, cache=None)
    rows = measure(args.path, options, args.budget)
    print(f"explain vs check, {args.path} ({args.samples} samples per check, "
          f"budget {args.budget} rule applications)")
    print(f"{'line':>5} {'step':>4} {'check s':>8} {'explain s':>9} {'ratio':>6} {'apps':>5}  "
          f"rules (or why none)")
    for line, step, plain, explained, apps, what in rows:
        print(f"{line:>5} {step:>4} {plain:8.3f} {explained:9.3f} {explained / plain:6.1f} "
              f"{apps:>5}  {what[:70]}")
    found = [r for r in rows if "no chain" not in r[5] and "same expression" not in r[5]]
    if rows:
        print(f"{len(rows)} verified steps, {len(found)} explained; median check "
              f"{statistics.median(r[2] for r in rows):.3f} s, median explanation "
              f"{statistics.median(r[3] for r in rows):.3f} s, median ratio "
              f"{statistics.median(r[3] / r[2] for r in rows):.1f}x; total check "
              f"{sum(r[2] for r in rows):.2f} s, total explanation "
              f"{sum(r[3] for r in rows):.2f} s")


if __name__ == "__main__":
    main()
