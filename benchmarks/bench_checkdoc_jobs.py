"""check-doc over the test corpus with --jobs 1 and --jobs 2 (no cache), beside
``python -c "import sympy"`` timed in the same run (subprocess wall times, medians).

    python benchmarks/bench_checkdoc_jobs.py             # 3 runs of each command
    python benchmarks/bench_checkdoc_jobs.py --repeats 5 --jobs 1 2 4

Target (printed, never asserted): --jobs 2 at least 1.6x faster than --jobs 1. Two jobs
can only help on a machine with two free cores: the CPU count and the load average are
printed with the figures.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cache import ROOT, cli, median_wall, ratio  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    documents = sorted(str(p.relative_to(ROOT)) for p in CORPUS.iterdir()
                       if p.suffix in (".md", ".tex"))
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}; {len(documents)} documents of tests/corpus; medians of "
          f"{args.repeats} subprocess runs\n")
    t_sympy, _ = median_wall([sys.executable, "-c", "import sympy"], args.repeats)
    times = {}
    print(f"{'command':<44} {'wall':>8} {'exit':>5} {'/ sympy':>8} {'speed-up':>9}")
    baseline = 'python -c "import sympy"  (baseline)'
    print(f"{baseline:<44} {t_sympy:>7.3f}s {'':>5} {'1.00x':>8}")
    for jobs in args.jobs:
        cmd = cli() + ["check-doc", "--no-cache", "--jobs", str(jobs), *documents]
        times[jobs], code = median_wall(cmd, args.repeats)
        first = times[args.jobs[0]]
        name = f"xentsym check-doc tests/corpus --jobs {jobs}"
        print(f"{name:<44} {times[jobs]:>7.3f}s "
              f"{code:>5} {ratio(times[jobs], t_sympy):>8} {ratio(first, times[jobs]):>9}")
    if 1 in times and 2 in times:
        print(f"\n--jobs 2 is {ratio(times[1], times[2])} faster than --jobs 1 "
              "(target: at least 1.6x)")


if __name__ == "__main__":
    main()
