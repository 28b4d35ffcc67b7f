"""The ordered process pool: results in input order whatever the jobs do, items taken while
the parent still makes them, and nothing lost when a job dies or an item cannot be sent."""
from __future__ import annotations

import os
import time

from xentsym.pool import in_order


def lost(item):
    return ("lost", item)


def test_results_keep_the_input_order():
    def work(x):
        time.sleep(0.02 * (x % 3))  # later items often finish first
        return x * x
    assert list(in_order(iter(range(12)), work, 3, lost)) == [x * x for x in range(12)]
    weights = {x: (x * 7) % 5 for x in range(12)}
    assert list(in_order(list(range(12)), work, 2, lost, weight=weights.get)) == \
        [x * x for x in range(12)]


def test_jobs_start_before_the_items_are_all_made():
    produced = []

    def items():
        for x in range(4):
            produced.append(time.monotonic())
            yield x
            time.sleep(0.3)  # a slow script

    started = list(in_order(items(), lambda x: time.monotonic(), 2, lost))
    assert started[0] < produced[-1]  # the first item was worked on while the last was made
    assert started == sorted(started)


def test_an_item_that_does_not_pickle_is_done_here():
    parent = os.getpid()
    items = [1, lambda: 2, 3]  # a lambda cannot be sent to a job
    out = list(in_order(iter(items), lambda x: (x() if callable(x) else x, os.getpid()), 2,
                        lost))
    assert [v for v, _ in out] == [1, 2, 3]
    assert out[1][1] == parent and out[0][1] != parent


def test_an_item_whose_job_died_is_lost_and_the_others_are_done():
    def work(x):
        if x == 3:
            os._exit(1)  # the job dies with the item
        return x
    assert list(in_order(iter(range(6)), work, 2, lost)) == [0, 1, 2, ("lost", 3), 4, 5]


def test_when_every_job_has_died_the_rest_is_done_here():
    parent = os.getpid()

    def work(x):
        if os.getpid() != parent:
            os._exit(1)
        return x
    out = list(in_order(iter(range(5)), work, 2, lost))
    assert out[:2] == [("lost", 0), ("lost", 1)] and out[2:] == [2, 3, 4]


def test_the_watchdog_ends_a_job_past_its_posted_deadline():
    from xentsym import pool

    def work(x):
        if x == 1:
            pool.watch(time.monotonic() + 0.3)
            time.sleep(60)  # stuck past the deadline it posted
        pool.watch(0.0)
        return x
    started = time.monotonic()
    out = list(in_order(iter(range(4)), work, 2, lost))
    assert out == [0, ("lost", 1), 2, 3]
    assert time.monotonic() - started < 20


def test_an_item_a_job_cannot_work_on_is_done_here_quietly(capfd):
    # e.g. a derivation built from a class the job cannot import: no traceback from the
    # job, and the parent does the item itself
    parent = os.getpid()

    def work(x):
        if x == 2 and os.getpid() != parent:
            raise ModuleNotFoundError("No module named 'myfuncs'")
        return (x, os.getpid() == parent)
    out = list(in_order(iter(range(4)), work, 2, lost))
    assert [v for v, _ in out] == [0, 1, 2, 3] and out[2][1] is True
    assert "Traceback" not in capfd.readouterr().err


def test_a_job_that_retires_is_replaced_by_a_fresh_one():
    from xentsym import pool

    def work(x):
        if x == 1:
            pool.retire()  # e.g. after a timer interrupted a computation
        return x, os.getpid()
    out = list(in_order(iter(range(6)), work, 1, lost))
    assert [x for x, _ in out] == list(range(6))
    pids = [pid for _, pid in out]
    assert pids[0] == pids[1] and len(set(pids[2:])) == 1 and pids[2] != pids[1]
