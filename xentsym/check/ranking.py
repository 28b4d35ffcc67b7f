"""The numeric check of optimiser steps: rank parameter values under both objectives.

Objectives with the same minimisers order every pair of parameter values alike (or, for
argmin <-> argmax, reversed). Candidates where the earlier objective is undefined are
discarded and counted, as in the pointwise checks (see ``numeric``).
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from ..notation import Scope
from .compile import Env
from .numeric import NumericResult, _cannot, _evaluate, _prepare, _Run, CANDIDATES
from .precise import PRECISE_DPS, UNDEFINED, Audit, OutOfBudget, Unavailable
from .sampling import describe, sample_env


def _ranks_alike(audit: Audit, before, after, order, env, rows, scale, finite) -> bool:
    """Re-evaluate one disagreeing pair of candidates; True when they rank alike after all
    (or the pair turns out not to be usable)."""
    try:
        for dps in (PRECISE_DPS, 2 * PRECISE_DPS):
            f1 = [audit.value(before, env, r, dps) for r in rows]
            if any(v is UNDEFINED for v in f1):
                audit.explained += 1
                return True  # the earlier objective is undefined: not a usable pair
            f2 = [audit.value(after, env, r, dps) for r in rows]
            if any(v is UNDEFINED for v in f2):
                return False
            d1, d2 = f1[0] - f1[1], (f2[0] - f2[1]) * order
            if abs(d1) <= 1e-7 * scale or mpmath.sign(d1) == mpmath.sign(d2):
                audit.explained += 1
                return True
    except OutOfBudget:
        audit.unsettled += 1
        return True
    except Unavailable:
        if finite:
            return False
        audit.unsettled += 1
        return True
    finally:
        audit.checked += 1
    return False


def _with_candidates(run: _Run, env: Env, wrt: set, m: int, seed: int, exprs) -> Env:
    """``env`` with each data sample repeated ``m`` times and fresh parameter values."""
    for table in (env.scalars, env.families):
        for key in list(table):
            if key not in wrt:
                table[key] = np.repeat(table[key], m, axis=0)
    rng = np.random.default_rng(seed)
    params = sample_env(run.vs, run.scope, env.sizes, env.size * m, rng, exprs)
    for key in wrt:
        if key in params.scalars:
            env.scalars[key] = params.scalars[key]
        if key in params.families:
            env.families[key] = params.families[key]
    env.size *= m
    return env


def check_ranking(before: sp.Expr, after: sp.Expr, order: int, wrt: tuple, scope: Scope,
                  samples: int = 1000, seed: int = 0) -> NumericResult:
    """Rank many parameter values under both objectives; the orders must agree (or reverse).

    For each data sample, ``CANDIDATES`` values of the parameters ``wrt`` are drawn and
    every pair of usable candidates (the earlier objective defined at both) is compared:
    objectives with the same minimisers order every pair alike.
    """
    wrt = set(wrt)
    m = CANDIDATES
    run = None
    try:
        before, after = _prepare(before), _prepare(after)
        run = _Run((before, after), scope, samples, seed)
        for env in run.batches(max(1, math.ceil(samples / m))):
            g = env.size
            env = _with_candidates(run, env, wrt, m, seed + run.drawn + 1, (before, after))
            f1 = _evaluate(before, env).reshape(g, m)
            usable = np.isfinite(f1)  # an overflowing objective ranks nothing either
            run.count(int(usable.sum()), env.size)
            f2 = _evaluate(after, env).reshape(g, m)
            with np.errstate(invalid="ignore"):
                d1 = f1[:, :, None] - f1[:, None, :]
                d2 = (f2[:, :, None] - f2[:, None, :]) * order
                scale = 1 + np.nanmax(np.where(usable, np.abs(f1), 0), axis=1)[:, None, None]
                clear = np.abs(d1) > 1e-7 * scale  # False where either candidate is unusable
            bad = clear & ~(np.sign(d1) == np.sign(d2))
            for grp, a, b in np.argwhere(bad):
                grp, a, b = int(grp), int(a), int(b)
                if a > b:  # each unordered pair once
                    continue
                rows = (grp * m + a, grp * m + b)
                finite = bool(np.isfinite(f2[grp, a]) and np.isfinite(f2[grp, b]))
                if _ranks_alike(run.audit, before, after, order, env, rows,
                                float(scale[grp, 0, 0]), finite):
                    continue
                witness = {"data": describe(env, grp * m),
                           "candidate_a": describe(env, grp * m + a),
                           "candidate_b": describe(env, grp * m + b),
                           "before": [float(f1[grp, a]), float(f1[grp, b])],
                           "after": [float(f2[grp, a]), float(f2[grp, b])]}
                return run.result("failed", witness,
                                  "the two objectives rank two parameter values differently")
    except Exception as exc:  # cannot sample or evaluate: no witness, not a refutation
        return _cannot(run, exc)
    return run.verdict()
