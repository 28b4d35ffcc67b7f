"""Items worked on in N forked job processes, yielded in input order (check-doc, verify).

Each job process leads its own process group, so the parent can end a job together with
the symbolic worker the job has forked (``os.killpg``) when the run is interrupted or its
output pipe closes: nothing is left behind. Jobs ignore SIGINT; the parent decides.

A job may post a deadline (``watch``) while it runs something that must not outlive it;
the parent's watchdog ends a job whose posted deadline has passed, and its item is lost.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Callable, Iterable, Iterator

from multiprocessing.reduction import ForkingPickler

from . import collector, pickling  # noqa: F401  (pickling: families keep their assumptions in the pipe)
from .check.worker import die_with


_POSTED: list = []  # in a job: (the shared deadlines, this job's slot)
_LEAVING = [False]  # in a job: leave after the current item
WATCH_POLL = 0.5  # seconds between the watchdog's looks while every job is busy


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity, and a container's CPU quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        cpus = os.cpu_count() or 1
    try:
        with open("/sys/fs/cgroup/cpu.max", encoding="ascii") as f:
            quota = cpu_quota(f.read())
    except OSError:
        quota = None
    return min(cpus, quota) if quota else cpus


def cpu_quota(text: str) -> int | None:
    """The whole CPUs a cgroup v2 ``cpu.max`` grants (at least 1), None when unlimited.

    >>> cpu_quota("max 100000"), cpu_quota("250000 100000"), cpu_quota("50000 100000")
    (None, 2, 1)
    """
    try:
        quota, period = text.split()[:2]
        return None if quota == "max" else max(1, int(quota) // int(period))
    except ValueError:
        return None


def in_job() -> bool:
    """Whether this process is a job of ``in_order`` (which the parent can end)."""
    return bool(_POSTED)


def retire() -> None:
    """In a job: leave after the current item, for a fresh job to take the next (after an
    interrupted computation, this process's state is in doubt). Elsewhere: nothing."""
    if _POSTED:
        _LEAVING[0] = True


def watch(deadline: float) -> None:
    """In a job: end this job if it is still busy at ``deadline`` (``time.monotonic``);
    0 takes the deadline back. Elsewhere: nothing."""
    if _POSTED:
        deadlines, slot = _POSTED[0]
        deadlines[slot] = deadline


def _serve(conn, work, deadlines, slot, parent) -> None:
    """A job: do ``work`` on the items sent until told to stop (None) or the parent goes.
    Each reply is ``(index, True, value, leaving)``, or ``(index, False, why, leaving)`` when
    the item could not be read or worked on here (the parent then does it itself);
    ``leaving``: the job ends after this reply (``retire``)."""
    _POSTED[:] = [(deadlines, slot)]
    die_with(parent)
    os.setpgrp()  # the parent ends this group: the job and the worker it forks
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, payload = task
        try:
            ok, value = True, work(ForkingPickler.loads(payload))
        except Exception as exc:  # e.g. a class the job cannot import: not a verdict
            ok, value = False, f"{type(exc).__name__}: {exc}"
        try:
            conn.send((index, ok, value, _LEAVING[0]))
        except (BrokenPipeError, OSError):
            return
        except Exception as exc:  # a value that does not pickle
            conn.send((index, False, f"cannot send the result ({type(exc).__name__})",
                       _LEAVING[0]))
        if _LEAVING[0]:
            return


def _end(proc) -> None:
    """Kill a job's process group (the job and its worker), then the job itself."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # not yet its own group, or gone
        pass
    if proc.is_alive():
        proc.kill()
    proc.join(timeout=5)


def in_order(items: Iterable, work: Callable, jobs: int, lost: Callable,
             weight: Callable | None = None) -> Iterator:
    """``work(item)`` for every item, done in up to ``jobs`` forked processes (started as
    items come), yielded in input order. With ``weight`` the items are listed first and
    the heaviest handed out first, so no long one starts last while the other jobs idle;
    without it they are taken as the iterable makes them (the parent may still be running
    scripts while the jobs check what those made). An item whose job died yields
    ``lost(item)``; an item that does not pickle, that a job could not read or work on, or
    any left when every job has died, is done here."""
    ctx = mp.get_context("fork")
    if weight is not None:
        listed = list(items)
        source: Iterator = iter(sorted(enumerate(listed), key=lambda ii: -weight(ii[1])))
    else:
        source = enumerate(items)
    count = jobs if weight is None else min(jobs, len(listed))
    deadlines = ctx.Array("d", max(1, count), lock=False)  # shared memory, all 0.0
    todo: deque = deque()  # (index, item) made, not yet handed out
    kept: dict[int, object] = {}  # index -> item, until its result is in
    idle: list = []  # connections of jobs waiting for work
    busy: dict = {}  # connection -> index of the item its job is working on
    done: dict[int, object] = {}
    procs: list = []
    owner: dict = {}  # connection -> (its job's process, the job's deadline slot)
    free: list = []  # deadline slots of jobs that left, for the jobs that replace them
    following, exhausted = 0, False

    def spawn() -> None:
        if not procs:  # once: the parent unfreezes when the jobs are done (below)
            collector.before_fork()
        parent, child = ctx.Pipe()
        slot = free.pop() if free else len(procs)
        proc = ctx.Process(target=_serve, args=(child, work, deadlines, slot, os.getpid()))
        proc.start()
        child.close()
        procs.append((proc, parent))
        owner[parent] = (proc, slot)
        idle.append(parent)

    def overdue() -> None:  # the watchdog: a job past its posted deadline is ended
        now = time.monotonic()
        for conn in busy:
            proc, slot = owner[conn]
            if 0 < deadlines[slot] < now:
                deadlines[slot] = 0.0
                _end(proc)  # its pipe reads EOF: the item is lost

    def collect(timeout) -> None:
        if timeout is None:  # block, but look at the posted deadlines now and then
            ready: list = []
            while not ready:
                ready = wait(list(busy), WATCH_POLL)
                overdue()
        else:
            ready = wait(list(busy), timeout)
            overdue()
        for conn in ready:
            index = busy.pop(conn)
            try:
                got, ok, value, leaving = conn.recv()
            except (EOFError, OSError):  # the job died (killed from outside?)
                done[index] = lost(kept.pop(index))
                continue
            if leaving:  # it ends now; a fresh job takes its slot when one is needed
                free.append(owner[conn][1])
            else:
                idle.append(conn)
            done[got] = value if ok else work(kept[got])  # not done there: done here
            kept.pop(got, None)

    try:
        while not exhausted or todo or busy:
            if busy:  # keep the jobs fed while the parent makes more items
                collect(0 if not exhausted or (todo and idle) else None)
            if not exhausted and (not todo or not idle):
                try:
                    index, item = next(source)
                except StopIteration:
                    exhausted = True
                else:
                    todo.append((index, item))
                    kept[index] = item
            while todo and (idle or len(procs) - len(free) < count):
                if not idle:
                    spawn()
                index, item = todo.popleft()
                try:
                    payload = bytes(ForkingPickler.dumps(item))
                except Exception:  # does not pickle: done here
                    done[index] = work(kept.pop(index))
                    continue
                conn = idle.pop()
                try:
                    conn.send((index, payload))
                except (BrokenPipeError, EOFError, OSError):  # that job is gone
                    todo.appendleft((index, item))
                    continue
                busy[conn] = index
            if todo and not idle and not busy:  # every job died: finish here
                index, item = todo.popleft()
                done[index] = work(kept.pop(index))
            while following in done:
                yield done.pop(following)
                following += 1
    finally:
        if procs:
            collector.after_forks()
        for proc, conn in procs:
            try:
                conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        for proc, conn in procs:
            if busy or not _stopped(proc):
                _end(proc)
            conn.close()


def _stopped(proc, seconds: float = 2.0) -> bool:
    proc.join(timeout=seconds)
    return not proc.is_alive()


__all__ = ["in_order", "in_job", "retire", "usable_cpus", "watch"]
