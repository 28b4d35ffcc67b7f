"""How much of the scored corpus check-doc reads and verifies, measured against the answer keys.

    python benchmarks/bench_corpus.py              # the table and the goal line
    python benchmarks/bench_corpus.py --details    # also every true step not verified
    python benchmarks/bench_corpus.py --only bits.md --details

Every document in ``tests/corpus/`` is checked in-process with the options the scoring test
uses (``tests/test_corpus.py``), and each reported step is paired with its key entry by
(line, order on that line). Per document and in total it prints: the true steps of the key,
how many were verified and their share, the true steps left unparsed, unproven or not
reported at all, the planted errors (``false`` in the key) and how many were refuted, and
any false verdict. The goal: at least 80% of the true steps verified and every planted
error refuted. The script measures and prints; it never asserts.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SHARE = 0.80


def _scorer():
    """The scoring test module: one reading of the keys for the test and the benchmark."""
    spec = importlib.util.spec_from_file_location("corpus_scoring", ROOT / "tests" / "test_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def score(doc: Path, sc) -> dict:
    """Counts for one document, and its true steps that were not verified."""
    key = sc.read_key(sc.key_path(doc))
    started = time.perf_counter()
    report = sc.check(doc)
    seconds = time.perf_counter() - started
    scored = sc.match(doc.name, report.steps, key)
    got = {(s.line, s.order): s for s in scored}
    row = Counter()
    misses = []  # (line, status, message) of true steps not verified
    missed_planted = []
    for line, values in sorted(key.items()):
        for order, value in enumerate(values):
            s = got.get((line, order))
            status = s.status if s is not None else "not reported"
            if value == "true":
                row["true"] += 1
                row[f"true:{status}"] += 1
                if status != "verified":
                    misses.append((line, status, s.message if s is not None else ""))
            elif value == "false":
                row["false"] += 1
                if status == "refuted":
                    row["refuted"] += 1
                else:
                    missed_planted.append((line, status, s.message if s is not None else ""))
    row["false verdicts"] = sum(sc.is_false_verdict(s.expected, s.status) for s in scored)
    row["unkeyed"] = sum(s.expected is None for s in scored)
    return {"name": doc.name, "row": row, "misses": misses, "planted": missed_planted,
            "seconds": seconds}


def _share(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    -"


def table(results: list[dict]) -> str:
    head = (f"{'document':<28} {'true':>5} {'verif':>5} {'share':>6} {'unpars':>6} "
            f"{'unprov':>6} {'other':>5} {'false':>5} {'refut':>5} {'wrong':>5} {'time':>6}")
    lines = [head, "-" * len(head)]
    total = Counter()
    for r in results:
        row = r["row"]
        total.update(row)
        lines.append(_row(r["name"], row, f"{r['seconds']:5.1f}s"))
    lines.append("-" * len(head))
    lines.append(_row("TOTAL", total, f"{sum(r['seconds'] for r in results):5.0f}s"))
    share = total["true:verified"] / total["true"] if total["true"] else 0.0
    planted_ok = total["refuted"] == total["false"]
    met = share >= GOAL_SHARE and planted_ok
    lines += [
        "",
        "columns: true = true steps in the keys; verif = of those, verified; unpars/unprov = "
        "left unparsed/unproven; other = not reported, defined, condition or unchecked; "
        "false = planted errors; refut = of those, refuted; wrong = false verdicts",
        f"goal: >= {GOAL_SHARE:.0%} of true steps verified and every planted error refuted: "
        f"{total['true:verified']}/{total['true']} verified ({share:.1%}), "
        f"{total['refuted']}/{total['false']} planted errors refuted -> "
        f"{'MET' if met else 'NOT MET'}",
    ]
    if total["false verdicts"]:
        lines.append(f"false verdicts: {total['false verdicts']} (the scoring test fails or "
                     f"xfails on these documents)")
    return "\n".join(lines)


def _row(name: str, row: Counter, seconds: str) -> str:
    other = row["true"] - row["true:verified"] - row["true:unparsed"] - row["true:unproven"]
    return (f"{name:<28} {row['true']:>5} {row['true:verified']:>5} "
            f"{_share(row['true:verified'], row['true']):>6} {row['true:unparsed']:>6} "
            f"{row['true:unproven']:>6} {other:>5} {row['false']:>5} {row['refuted']:>5} "
            f"{row['false verdicts']:>5} {seconds:>6}")


def details(results: list[dict]) -> str:
    """The worklist: per document, each true step not verified and each planted error missed."""
    out = []
    for r in results:
        if not r["misses"] and not r["planted"]:
            continue
        out.append(f"\n== {r['name']}")
        for line, status, message in r["misses"]:
            out.append(f"  {r['name']}:{line}: true step {status}: {message}")
        for line, status, message in r["planted"]:
            out.append(f"  {r['name']}:{line}: planted error {status}: {message}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true",
                        help="list every true step not verified and every planted error missed")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="check only this corpus document (repeatable)")
    args = parser.parse_args(argv)
    sc = _scorer()
    docs = [d for d in sc.documents() if not args.only or d.name in args.only]
    if not docs:
        print("no corpus document matched", file=sys.stderr)
        return 2
    results = []
    for doc in docs:
        print(f"checking {doc.name} ...", file=sys.stderr, flush=True)
        results.append(score(doc, sc))
    print(table(results))
    if args.details:
        print(details(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
