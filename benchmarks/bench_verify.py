"""How fast xentsym checks derivations, each figure measured beside a baseline in the same run.

    python benchmarks/bench_verify.py            # full run (well under three minutes)
    python benchmarks/bench_verify.py --quick    # fewer repeats and baseline points
    python benchmarks/bench_verify.py -o benchmarks/results.txt   # also save the report

Four sections (see benchmarks/README.md for what each figure means):

1. CLI wall time: ``xentsym verify derivations`` against ``python -c "import sympy"``.
2. Numeric checks: the engine's vectorised sampling against a naive SymPy loop
   (``subs`` + ``evalf`` per sample point) at the same number of points.
3. Symbolic checks: the engine's normal-form proof against ``simplify(lhs - rhs) == 0``.
4. Scaling in N: numeric cost grows linearly in N; the symbolic proof at symbolic N does
   not depend on N at all, unlike simplify on the identity specialised to N = 10, 100.

Nothing here asserts on timings: the script measures and prints, and the targets are
printed beside the measured ratios for a human to read.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp
from sympy.core.cache import clear_cache

ROOT = Path(__file__).resolve().parent.parent  # the project root (holds derivations/)

from xentsym import formulas  # noqa: E402
from xentsym import verify as V  # noqa: E402
from xentsym.check import compile as C  # noqa: E402
from xentsym.check.sampling import sample_env, variables  # noqa: E402
from xentsym.discover import discover  # noqa: E402
from xentsym.functions import unfold_all  # noqa: E402
from xentsym.notation import K, N, n, y, yhat  # noqa: E402

BASELINE_SIZES = {N: 3, n: 3, K: 3}  # concrete sizes for the naive numeric baseline
MEMORY_LIMIT = 4 * 1024 ** 3  # address space for the isolated (forked) timing processes


# --------------------------------------------------------------------------- helpers

class Report:
    """Collects the printed lines so they can also be written to a file."""

    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def table(self, header: list[str], rows: list[list], align: str | None = None) -> None:
        cells = [header] + [[str(c) for c in r] for r in rows]
        widths = [max(len(r[j]) for r in cells) for j in range(len(header))]
        align = align or "l" + "r" * (len(header) - 1)

        def fmt(r):
            return "  ".join(c.ljust(w) if a == "l" else c.rjust(w)
                             for c, w, a in zip(r, widths, align)).rstrip()

        self(fmt(header))
        self("  ".join("-" * w for w in widths))
        for r in cells[1:]:
            self(fmt(r))


def secs(t: float | None) -> str:
    """A duration in a readable unit."""
    if t is None:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.0f} us"
    if t < 1.0:
        return f"{t * 1e3:.1f} ms"
    return f"{t:.2f} s"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    r = a / b
    return f"{r:,.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 1 else f"{r:.2f}x"


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _child(conn, fn, args):
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass
    try:
        conn.send(("ok", fn(*args)))
    except MemoryError:
        conn.send(("error", "out of memory"))
    except Exception as exc:  # report whatever SymPy raised, keep the benchmark going
        conn.send(("error", f"{type(exc).__name__}: {exc}"))


def isolated(fn, args, timeout: float):
    """Run ``fn(*args)`` in a forked child killed after ``timeout`` s: (kind, value)."""
    if "fork" not in mp.get_all_start_methods():  # no fork: run here, without a deadline
        return "ok", fn(*args)
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
    proc.start()
    child.close()
    try:
        if parent.poll(timeout):
            return parent.recv()
        return "timeout", None
    except EOFError:
        return "error", "the timing process died"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()


def all_steps():
    return [(d, s) for d in discover([str(ROOT / "derivations")]) for s in d.steps]


# --------------------------------------------------------------------------- 1. CLI

def cli_command() -> list[str]:
    """The installed console script of this interpreter, else ``python -m xentsym``."""
    here = Path(sys.executable).parent / ("xentsym.exe" if os.name == "nt" else "xentsym")
    if here.exists():
        return [str(here)]
    found = shutil.which("xentsym")
    return [found] if found else [sys.executable, "-m", "xentsym"]


def run_wall(cmd: list[str], repeats: int) -> tuple[float, int]:
    times, code = [], 0
    for _ in range(repeats):
        t = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        code = code or done.returncode
    return statistics.median(times), code


def section_cli(out: Report, repeats: int) -> dict:
    out("1. CLI wall time (subprocess, median of %d runs each, same machine, same run)" % repeats)
    out()
    verify_cmd = cli_command() + ["verify", "derivations"]
    sympy_cmd = [sys.executable, "-c", "import sympy"]
    t_sympy, _ = run_wall(sympy_cmd, repeats)
    t_verify, code = run_wall(verify_cmd, repeats)
    out.table(["command", "median wall"],
              [[" ".join(["xentsym"] + verify_cmd[-2:]) + f"   (exit {code})", secs(t_verify)],
               ['python -c "import sympy"   (baseline)', secs(t_sympy)]], "lr")
    out()
    out(f"   ratio verify / import sympy: {ratio(t_verify, t_sympy)}   (target: at most 4x)")
    out(f"   executable: {' '.join(verify_cmd[:-2])}")
    lecture = ROOT.parent / "shared" / "lecture" / "cross-entropy-lecture.md"
    t_doc = None
    if lecture.exists():
        t_doc, doc_code = run_wall(cli_command() + ["check-doc", str(lecture)], repeats)
        out(f"   xentsym check-doc <lecture> (exit {doc_code}): {secs(t_doc)}; "
            f"ratio / import sympy: {ratio(t_doc, t_sympy)}   (target: at most 8x)")
    out()
    return {"verify": t_verify, "sympy": t_sympy, "exit": code, "check_doc": t_doc}


# --------------------------------------------------------------------------- 2. numeric

def engine_numeric(step, scope, samples: int):
    """One cold numeric check: SymPy's cache and the compile cache emptied first."""
    clear_cache()
    C.compile_expr.cache_clear()
    return V.numeric_task(step, scope, V.Options(samples=samples))


def naive_prepare(step, scope, points: int, seed: int):
    """Both sides at N = n = K = 3 with the sums done, and ``points`` sampled value maps."""
    lhs, rhs = V._sides(step)
    left = unfold_all(lhs).subs(BASELINE_SIZES).doit()
    right = unfold_all(rhs).subs(BASELINE_SIZES).doit()
    # The engine's own samplers (Dirichlet rows, Bernoulli labels, ...) at the fixed sizes.
    env = sample_env(variables((left, right), scope), scope, {}, points,
                     np.random.default_rng(seed), (left, right))
    value_maps = []
    for row in range(points):
        values = {s: float(a[row]) for s, a in env.scalars.items()}
        for fam, a in env.families.items():
            for idx in np.ndindex(a.shape[1:]):
                values[fam[tuple(j + 1 for j in idx)]] = float(a[(row,) + idx])
        value_maps.append(values)
    return left, right, value_maps


def naive_loop(left, right, value_maps, optimiser: bool) -> int:
    """The naive check: substitute each point into both sides and evaluate one by one."""
    agree = 0
    for values in value_maps:
        a = complex(left.subs(values).evalf())
        b = complex(right.subs(values).evalf())
        if optimiser or abs(a - b) <= 1e-8 * (1 + abs(a) + abs(b)):
            agree += 1
    return agree


def section_numeric(out: Report, steps, samples: int, points: int, repeats: int) -> dict:
    out("2. Numeric checks: engine vs naive SymPy loop at the same number of sample points")
    out()
    out(f"   engine  : verify.numeric_task(step, scope, Options(samples={samples})), cold "
        f"(SymPy cache and")
    out(f"             compile cache emptied before each run), median of {repeats}; sizes "
        f"N, n, K drawn by the engine")
    out("   baseline: both sides with N = n = K = 3, .doit(), then expr.subs(point).evalf() "
        "per point")
    out(f"             in a Python loop, for both sides. Timed on {points} points and scaled "
        f"linearly to the")
    out("             engine's point count; preparation (unfold, subs, doit) is timed once "
        "and added.")
    out()
    rows, tot_engine, tot_base = [], 0.0, 0.0
    mismatches = []
    for d, s in steps:
        res = engine_numeric(s, d.scope, samples)  # warm-up and the point count
        t_engine = median_time(lambda: engine_numeric(s, d.scope, samples), repeats)
        clear_cache()
        try:
            t0 = time.perf_counter()
            left, right, maps = naive_prepare(s, d.scope, points, seed=1)
            t_prep = time.perf_counter() - t0
            t0 = time.perf_counter()
            agree = naive_loop(left, right, maps, s.relation.is_optimiser)
            t_loop = time.perf_counter() - t0
        except (TypeError, ValueError, KeyError, IndexError):
            # a free index or a derivative that subs/evalf cannot finish: no baseline to
            # compare with, so the step is left out of both totals
            mismatches.append(f"{d.name} step {s.index}: left out, the naive baseline "
                              f"cannot evaluate it (free index or unevaluated derivative)")
            continue
        if agree != points:
            mismatches.append(f"{d.name} step {s.index}: naive loop agreed on {agree}/{points}")
        per_point = t_loop / points
        t_base = t_prep + per_point * res.samples
        tot_engine += t_engine
        tot_base += t_base
        rows.append([f"{d.name} #{s.index}", s.relation_key, res.status, res.samples,
                     secs(t_engine), f"{per_point * 1e3:.1f} ms", secs(t_base),
                     ratio(t_base, t_engine)])
    rows.append(["TOTAL", "", "", "", secs(tot_engine), "", secs(tot_base),
                 ratio(tot_base, tot_engine)])
    out.table(["step", "relation", "engine", "points", "engine time", "naive/pt",
               "naive (scaled)", "speed-up"], rows, "lllrrrrr")
    out()
    out(f"   total speed-up: {ratio(tot_base, tot_engine)}   (target: at least 50x; "
        f"naive measured on {points} points, scaled to each step's point count)")
    out("   note: the engine also evaluates at larger sizes (N, n, K up to 21) while the "
        "naive loop")
    out("         uses size 3, so the comparison favours the baseline.")
    for m in mismatches:
        out(f"   WARNING {m}")
    out()
    return {"engine": tot_engine, "naive": tot_base}


# --------------------------------------------------------------------------- 3. symbolic

def _engine_symbolic(step, scope):
    clear_cache()
    t = time.perf_counter()
    result = V.symbolic_task(step, scope)
    return result.status, time.perf_counter() - t


def _simplify_diff(step):
    clear_cache()
    lhs, rhs = V._sides(step)
    t = time.perf_counter()
    zero = sp.simplify(unfold_all(lhs) - unfold_all(rhs)) == 0
    return zero, time.perf_counter() - t


def timed_isolated(fn, args, repeats: int, timeout: float):
    """Median time over ``repeats`` forked runs of fn (which returns (verdict, seconds))."""
    verdict, times = None, []
    for _ in range(repeats):
        kind, value = isolated(fn, args, timeout)
        if kind != "ok":
            return ("timeout" if kind == "timeout" else "error"), None
        verdict = value[0]
        times.append(value[1])
    return verdict, statistics.median(times)


def section_symbolic(out: Report, steps, repeats: int, timeout: float) -> dict:
    out(f"3. Symbolic checks: engine normal form vs sympy.simplify(lhs - rhs) == 0 "
        f"(median of {repeats},")
    out(f"   each run in a fresh forked process with SymPy's cache emptied; simplify is given "
        f"{timeout:g} s)")
    out()
    rows, tot_e, tot_s, confirmed, equalities = [], 0.0, 0.0, 0, 0
    for d, s in steps:
        e_status, t_e = timed_isolated(_engine_symbolic, (s, d.scope), repeats, timeout)
        s_zero, t_s = timed_isolated(_simplify_diff, (s,), repeats, timeout)
        if s_zero is True:
            verdict = "0 (proved)"
        elif s_zero is False:
            verdict = "not 0" if not s.relation.is_optimiser else "not 0 (n/a)"
        else:
            verdict = s_zero
        if not s.relation.is_optimiser:
            equalities += 1
            confirmed += s_zero is True
        tot_e += t_e or 0.0
        tot_s += t_s if t_s is not None else timeout
        rows.append([f"{d.name} #{s.index}", s.relation_key, e_status, secs(t_e), verdict,
                     secs(t_s) if t_s is not None else f">{timeout:g} s", ratio(t_s, t_e)])
    rows.append(["TOTAL", "", "", secs(tot_e), "", secs(tot_s), ratio(tot_s, tot_e)])
    out.table(["step", "relation", "engine", "engine time", "simplify", "simplify time",
               "simplify/engine"], rows, "lllrlrr")
    out()
    out(f"   simplify reached 0 on {confirmed} of {equalities} equality steps; on the others it "
        f"returned a nonzero")
    out("   residue although the identity holds (it is a heuristic, not a decision procedure).")
    out("   For optimiser steps (same-argmin, argmin<->argmax) lhs - rhs is not 0 by design;")
    out("   the engine proves after = c * before + (terms free of the parameters) instead.")
    out()
    return {"engine": tot_e, "simplify": tot_s}


# --------------------------------------------------------------------------- 4. scaling

def _simplify_specialised(step, size, mode):
    """simplify on the step's two sides with N fixed to ``size`` and the sums expanded."""
    clear_cache()
    lhs, rhs = V._sides(step)
    c = sp.cancel(rhs / lhs)  # the scale factor at symbolic N (N for 1/N, -1 for the sign)
    t = time.perf_counter()
    left, right = lhs.subs(N, size).doit(), rhs.subs(N, size).doit()
    if mode == "ratio":
        verdict = str(sp.simplify(right / left))
    else:
        verdict = "0" if sp.simplify(right - c.subs(N, size) * left) == 0 else "not 0"
    return verdict, time.perf_counter() - t


def section_scaling(out: Report, sizes: list[int], spec_sizes: list[int], num_repeats: int,
                    repeats: int, timeout: float) -> dict:
    out("4. Scaling in N")
    out()
    formula = formulas.get("binary_cross_entropy")
    expr = formula.expr
    C.compile_expr.cache_clear()
    clear_cache()
    t0 = time.perf_counter()
    C.compile_expr(expr)
    t_compile = time.perf_counter() - t0
    out("   4a. numeric: evaluate(binary_cross_entropy, Env) for one sample of N examples "
        f"(median of {num_repeats},")
    out(f"       compiled once beforehand in {secs(t_compile)}); baseline: the same mean loss "
        "written by hand in NumPy")
    out()
    rng = np.random.default_rng(0)
    rows, times = [], {}
    for size in sizes:
        labels = rng.integers(0, 2, (1, size)).astype(float)
        probs = rng.uniform(0.001, 0.999, (1, size))
        env = C.Env(1, families={y: labels, yhat: probs}, sizes={N: size})
        t_engine = median_time(lambda: C.evaluate(expr, env), num_repeats)

        def by_hand():
            return -np.mean(labels * np.log(probs) + (1 - labels) * np.log(1 - probs), axis=1)

        t_hand = median_time(by_hand, num_repeats)
        diff = float(np.max(np.abs(C.evaluate(expr, env) - by_hand())))
        times[size] = t_engine
        first = min(times)
        marginal = (f"{(t_engine - times[first]) / (size - first) * 1e9:,.1f}"
                    if size > first else "-")
        rows.append([f"{size:,}", secs(t_engine), f"{t_engine / size * 1e9:,.1f}", marginal,
                     secs(t_hand), ratio(t_engine, t_hand), f"{diff:.1e}"])
    out.table(["N", "engine", "ns/example", f"ns/extra example (vs N={min(sizes)})",
               "NumPy by hand", "engine/hand", "max |diff|"], rows)
    out()
    ordered = sorted(sizes)
    for a, b in zip(ordered[1:], ordered[2:]):
        out(f"       N={a:,} -> N={b:,}: N grows {b / a:,.0f}x, engine time grows "
            f"{ratio(times[b], times[a])}")
    out("       The cost is a fixed overhead (the N=10 row) plus a constant cost per example "
        "(the")
    out("       ns/extra example column): linear in N.")
    out(f"       N={100_000:,} takes {secs(times.get(100_000))}"
        + (f", N={max(sizes):,} takes {secs(times[max(sizes)])}" if max(sizes) > 100_000 else "")
        + ".")
    out()

    drop = next(d for d in discover([str(ROOT / "derivations")]) if d.name == "drop-mean-and-sign")
    out("   4b. symbolic: the drop-mean-and-sign steps. The engine proves them once at symbolic "
        "N, so")
    out("       its cost cannot depend on N. Contrast: the same identity with N fixed "
        "(subs + doit), decided by")
    out("       simplify(after/before) (find the scale factor) and by "
        "simplify(after - c*before) == 0 with the")
    out(f"       engine's factor c given. Forked runs, SymPy cache emptied, median of {repeats}, "
        f"{timeout:g} s limit.")
    out()
    rows = []
    for s in drop.steps:
        e_status, t_e = timed_isolated(_engine_symbolic, (s, drop.scope), repeats, timeout)
        rows.append([f"#{s.index} {s.rule}", "symbolic N", "engine proof", e_status,
                     secs(t_e)])
        for size in spec_sizes:
            for mode, label in (("ratio", "simplify(after/before)"),
                                ("diff", "simplify(after - c*before)")):
                verdict, t_s = timed_isolated(_simplify_specialised, (s, size, mode),
                                              repeats, timeout)
                rows.append(["", f"N = {size}", label, verdict,
                             secs(t_s) if t_s is not None else f">{timeout:g} s"])
    out.table(["step", "size", "method", "result", "time"], rows, "lllll")
    out()
    return {"compile": t_compile, "times": times}


# --------------------------------------------------------------------------- main

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="fewer repeats and baseline points (about 20 s)")
    ap.add_argument("--samples", type=int, default=1000,
                    help="engine samples per step (default 1000, the CLI's default)")
    ap.add_argument("--points", type=int, default=None,
                    help="points the naive baseline is timed on (default 50, quick 10)")
    ap.add_argument("-o", "--output", type=Path, help="also write the report to this file")
    args = ap.parse_args(argv)

    quick = args.quick
    repeats = 1 if quick else 3
    points = args.points or (10 if quick else 50)
    timeout = 20.0 if quick else 60.0
    n_sizes = [10, 1_000, 100_000] if quick else [10, 1_000, 100_000, 1_000_000]
    spec_sizes = [10] if quick else [10, 100]

    out = Report()
    started = time.perf_counter()
    out(f"xentsym benchmark ({'quick' if quick else 'full'})  "
        f"{time.strftime('%Y-%m-%d %H:%M')}")
    out(f"python {platform.python_version()}, sympy {sp.__version__}, numpy {np.__version__}, "
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPUs")
    out()
    steps = all_steps()
    out(f"{len(steps)} steps in {len({d.name for d, _ in steps})} derivations under "
        f"{ROOT / 'derivations'}")
    out()

    cli = section_cli(out, 3)
    num = section_numeric(out, steps, args.samples, points, repeats)
    sym = section_symbolic(out, steps, repeats, timeout)
    section_scaling(out, n_sizes, spec_sizes, 7, repeats, timeout)

    out("Summary")
    out(f"   CLI verify / import sympy        : {ratio(cli['verify'], cli['sympy'])} "
        f"({secs(cli['verify'])} vs {secs(cli['sympy'])}; target <= 4x)")
    out(f"   numeric speed-up over naive loop : {ratio(num['naive'], num['engine'])} "
        f"({secs(num['engine'])} vs {secs(num['naive'])} scaled; target >= 50x)")
    out(f"   simplify / engine symbolic time  : {ratio(sym['simplify'], sym['engine'])} "
        f"({secs(sym['simplify'])} vs {secs(sym['engine'])})")
    out(f"   benchmark wall time              : {secs(time.perf_counter() - started)}")
    if args.output:
        args.output.write_text("\n".join(out.lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
