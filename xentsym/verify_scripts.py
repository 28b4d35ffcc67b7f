"""``xentsym verify PATHS``: every derivation script loaded and checked by one job, the
reports put back in script order.

A job runs its script itself and sends back plain data: the derivations' JSON reports, the
names and lines the script defined, whether every verdict finished, and the files it read
(for the run cache). Nothing symbolic crosses the pipe. Unpickling derivations in the
jobs (0.06 s of CPU for the project's) and running the scripts in the parent while the
jobs check (0.1 s, competing with them for the cores) had cost a cold run 0.1 s of its
1.1 s. Before the jobs fork, the parent imports what scripts and checks use, once for
all. Larger scripts go first, so the longest work does not start last. With one job the
same work runs here, script after script, each symbolic check in a forked worker.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import collector, freesymbols, pool
from .discover import collate, load_script, script_paths
from .errors import XentsymError
from .jobs_verify import runner
from .verify import Options, check_all


@dataclass(frozen=True)
class Loaded:
    """What one script gave: the error it failed with, or the (name, line) of each
    derivation it defines and the JSON reports of those checked."""

    path: str
    error: XentsymError | None = None
    names: tuple = ()
    reports: tuple = ()  # in the order of names: the report, or None where not checked
    settled: bool = True  # every verdict finished (no timeout, no dead worker)
    files: dict = field(default_factory=dict)  # what it read, for the run cache


@dataclass
class Run:
    """A whole ``verify``: the reports in order, the errors met, whether every verdict
    finished, and the files read (``runcache.recording``)."""

    reports: list = field(default_factory=list)
    broken: list = field(default_factory=list)
    settled: bool = True
    files: dict = field(default_factory=dict)


class _Entry:
    """A derivation as ``collate`` sees it: its name and origin (and its report)."""

    def __init__(self, name: str, origin: tuple, report: dict | None):
        self.name, self.origin, self.report = name, origin, report


class ScriptChecker:
    """``work`` for the pool: load one script, check its derivations (all, or ``only``)."""

    def __init__(self, options: Options, only: str | None, record: bool):
        self.options, self.only, self.record = options, only, record
        self.runner, self.pid = None, os.getpid()

    def work(self, path: str) -> Loaded:
        if self.runner is None or self.pid != os.getpid():
            # a job forked after the parent made its own runner makes one for itself
            self.runner, self.pid = runner(), os.getpid()
        from . import runcache
        with (runcache.recording() if self.record else contextlib.nullcontext({})) as files:
            try:
                derivations = load_script(Path(path))
            except XentsymError as exc:
                return Loaded(path, exc, files=dict(files))
            reports, seen, settled = [], set(), True
            for d in derivations:
                report = None
                # a name used twice is an error at its second use (collate): not checked
                if (self.only is None or d.name == self.only) and d.name not in seen:
                    result = check_all(d, self.options, self.runner)
                    report = result.to_json()
                    settled = settled and all(s.settled for s in result.steps)
                seen.add(d.name)
                reports.append(report)
        return Loaded(path, None, tuple((d.name, d.origin[1]) for d in derivations),
                      tuple(reports), settled, dict(files))

    def close(self) -> None:
        if self.runner is not None and self.pid == os.getpid():
            self.runner.close()


def _preload(cached: bool) -> None:
    """What the scripts and the checks import, loaded once before the jobs fork."""
    with collector.paused():
        import numpy.random  # noqa: F401  (the samplers')
        import sympy.codegen.ast  # noqa: F401  (lambdify's)

        from . import formulas, rules, sumrules  # noqa: F401  (the scripts')
        from .check import alarm, calculus, numeric, symbolic  # noqa: F401
    if cached:
        from .cache import code_digest
        code_digest()  # the step keys' digest of the engine, likewise


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def verify_scripts(paths, options: Options, jobs: int, only: str | None = None,
                   record: bool = False,
                   met: Callable[[XentsymError], None] = lambda exc: None) -> Run:
    """Load and check every script under ``paths`` (``discover.script_paths``), in up to
    ``jobs`` processes; ``met`` is told each error as soon as it is known, in order."""
    run = Run()
    scripts: list[str] = []
    for raw in paths:
        try:
            scripts += [str(p) for p in script_paths([raw])]
        except XentsymError as exc:
            run.broken.append(exc)
            met(exc)
    checker = ScriptChecker(options, only, record)
    with freesymbols.remembered():  # this run and its jobs: a command's, not a library's
        _collect(run, scripts, checker, options, jobs, only, met)
    return run


def _collect(run: Run, scripts: list, checker: ScriptChecker, options: Options, jobs: int,
             only: str | None, met: Callable) -> None:
    """The scripts' outcomes into ``run``, in file order."""
    try:
        if jobs > 1 and scripts:
            _preload(options.cache is not None)
            done = pool.in_order(scripts, checker.work, jobs, checker.work, weight=_size)
        else:
            done = map(checker.work, scripts)

        def loaded():
            for got in done:
                run.settled = run.settled and got.settled
                for key, seen in got.files.items():
                    run.files.setdefault(key, seen)
                yield got.path, got.error if got.error is not None else [
                    _Entry(name, (got.path, line), report)
                    for (name, line), report in zip(got.names, got.reports)]
        for item in collate(loaded(), only):
            if isinstance(item, XentsymError):
                run.broken.append(item)
                met(item)
            else:
                run.reports.append(item.report)
    finally:
        checker.close()


__all__ = ["Loaded", "Run", "ScriptChecker", "verify_scripts"]
