"""What the verdict cache saves: ``xentsym verify derivations`` cold, warm and after one change,
each beside ``python -c "import sympy"`` timed in the same run (subprocess wall times).

    python benchmarks/bench_cache.py              # 5 runs of each command, medians
    python benchmarks/bench_cache.py --repeats 3

Targets (printed beside the ratios, never asserted): warm <= 1.5x import sympy, cold
<= 4x. The last section times the phases of one warm run inside a fresh interpreter, to show
where the time goes. The cache lives in a temporary folder; the project's is not touched.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli() -> list[str]:
    """The console script of this interpreter (as users run it), else ``python -m xentsym``."""
    here = Path(sys.executable).parent / "xentsym"
    return [str(here)] if here.exists() else [sys.executable, "-m", "xentsym"]


def wall(cmd: list[str], env: dict | None = None, before=None) -> tuple[float, int]:
    """Wall seconds of one run of ``cmd`` (``before()`` runs first, untimed) and its exit."""
    if before is not None:
        before()
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    return time.perf_counter() - started, proc.returncode


def median_wall(cmd, repeats: int, env=None, before=None) -> tuple[float, int]:
    runs = [wall(cmd, env, before) for _ in range(repeats)]
    return statistics.median(t for t, _ in runs), runs[-1][1]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x"


PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
from xentsym import cli, report, runcache
t1 = time.perf_counter()
key = runcache.run_key(["derivations"], {"samples": 1000, "seed": 0, "only": None})
t2 = time.perf_counter()
entry = runcache.RunCache(sys.argv[1], key).get()
t3 = time.perf_counter()
text = report.text_of(entry["derivations"])
t4 = time.perf_counter()
print(json.dumps({"import the command line": t1 - t0,
                  "run key (hash the inputs)": t2 - t1,
                  "read the entry, hash its files": t3 - t2, "report": t4 - t3,
                  "files the entry depends on": len(entry["dependencies"]),
                  "SymPy loaded": "sympy" in sys.modules}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    n = args.repeats
    folder = Path(tempfile.mkdtemp(prefix="xentsym-bench-cache-"))
    cache = folder / "cache"
    env = {**os.environ, "XENTSYM_CACHE_DIR": str(cache)}
    verify = cli() + ["verify", "derivations"]
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}; medians of {n} subprocess runs\n")
    try:
        t_sympy, _ = median_wall([sys.executable, "-c", "import sympy"], n)
        t_off, code_off = median_wall(verify + ["--no-cache"], n, env)
        t_cold, code_cold = median_wall(verify, n, env,
                                        before=lambda: shutil.rmtree(cache, ignore_errors=True))
        wall(verify, env)  # fill the cache
        t_warm, code_warm = median_wall(verify, n, env)
        rows = [('python -c "import sympy"  (baseline)', t_sympy, "", ""),
                ("xentsym verify derivations --no-cache", t_off, code_off, ""),
                ("  cold: empty cache, verdicts written", t_cold, code_cold, "<= 4x"),
                ("  warm: the run from the cache", t_warm, code_warm, "<= 1.5x")]
        print(f"{'command':<42} {'wall':>8} {'exit':>5} {'/ sympy':>8}  target")
        for name, t, code, target in rows:
            print(f"{name:<42} {t:>7.3f}s {code!s:>5} {ratio(t, t_sympy):>8}  {target}")
        changed = _one_change(folder, env, n)
        print(f"{'  one derivation added to one script':<42} {changed:>7.3f}s {'':>5} "
              f"{ratio(changed, t_sympy):>8}  (only the new steps are checked)")
        proc = subprocess.run([sys.executable, "-c", PHASES, str(cache)], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=True)
        print("\nwhere one warm run spends its time (in process, after interpreter start):")
        for name, value in json.loads(proc.stdout).items():
            print(f"  {name:<32} {value:.3f}s" if isinstance(value, float) else
                  f"  {name:<32} {value}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


EXTRA = """
import sympy as sp
from xentsym import Derivation
from xentsym.notation import beta

extra = Derivation("bench-extra-{k}", "one more step", sp.log(beta ** {k}))
extra.claim({k} * sp.log(beta), "the power comes down")
"""


def _one_change(folder: Path, env: dict, n: int) -> float:
    """A warm run after a new derivation is added to a copy of derivations/: the cost of a
    small edit (every script runs again; only the new step is checked)."""
    copy = folder / "derivations"
    shutil.copytree(ROOT / "derivations", copy)
    cmd = cli() + ["verify", str(copy)]
    wall(cmd, env)  # warm for the copy (its steps have the keys of the originals)
    counter = iter(range(2, 10_000))

    def edit():  # a new exponent each time: a step the cache has not seen
        (copy / "bench_extra.py").write_text(EXTRA.format(k=next(counter)))
    return median_wall(cmd, n, env, before=edit)[0]


if __name__ == "__main__":
    main()
