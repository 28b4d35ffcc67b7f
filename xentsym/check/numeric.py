"""The numeric check: evaluate both sides on samples drawn from the domains and compare."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..notation import Scope
from ..errors import XentsymError
from .compile import evaluate
from .sampling import describe, sample_env, size_configs, variables

RTOL = 1e-8  # relative to 1 + |lhs| + |rhs|; float error in these sums is far below it
CONFIGS = 6  # size assignments tried for expressions with symbolic sizes
CANDIDATES = 24  # parameter values ranked per data sample for optimiser relations


@dataclass(frozen=True)
class NumericResult:
    """``passed`` or ``failed``, how many samples were compared, and a witness on failure."""

    status: str
    samples: int
    counterexample: dict | None = None
    message: str = ""


def _close(lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        same_inf = np.isinf(lhs) & (lhs == rhs)
        near = np.abs(lhs - rhs) <= RTOL * (1 + np.abs(lhs) + np.abs(rhs))
    return same_inf | (np.isfinite(lhs) & np.isfinite(rhs) & near)


def _batches(exprs, scope, samples, seed):
    vs = variables(exprs, scope)
    configs = size_configs(vs.sizes, CONFIGS)
    per = math.ceil(samples / len(configs))
    rng = np.random.default_rng(seed)
    for sizes in configs:
        yield vs, sample_env(vs, scope, sizes, per, rng, exprs)


def _witness(env, row, **values) -> dict:
    return {"values": describe(env, row), **{k: float(v) for k, v in values.items()}}


def check_equal(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, samples: int = 1000,
                seed: int = 0) -> NumericResult:
    """Compare lhs and rhs on at least ``samples`` points; report the first disagreement."""
    done = 0
    try:
        for _, env in _batches((lhs, rhs), scope, samples, seed):
            left, right = evaluate(lhs, env), evaluate(rhs, env)
            bad = np.flatnonzero(~_close(left, right))
            done += env.size
            if bad.size:
                row = int(bad[0])
                return NumericResult("failed", done, _witness(env, row, lhs=left[row],
                                                              rhs=right[row]))
    except XentsymError as exc:  # cannot sample or evaluate: no witness, not a refutation
        return NumericResult("failed", done, None, exc.message)
    return NumericResult("passed", done)


def check_at_most(lhs: sp.Expr, rhs: sp.Expr, scope: Scope, samples: int = 1000,
                  seed: int = 0) -> NumericResult:
    """Check lhs <= rhs on sampled points (with the same tolerance as equality)."""
    done = 0
    try:
        for _, env in _batches((lhs, rhs), scope, samples, seed):
            left, right = evaluate(lhs, env), evaluate(rhs, env)
            with np.errstate(invalid="ignore"):
                ok = (left <= right) | _close(left, right)
            bad = np.flatnonzero(~ok)
            done += env.size
            if bad.size:
                row = int(bad[0])
                return NumericResult("failed", done, _witness(env, row, lhs=left[row],
                                                              rhs=right[row]))
    except XentsymError as exc:  # cannot sample or evaluate: no witness, not a refutation
        return NumericResult("failed", done, None, exc.message)
    return NumericResult("passed", done)


def check_ranking(before: sp.Expr, after: sp.Expr, order: int, wrt: tuple, scope: Scope,
                  samples: int = 1000, seed: int = 0) -> NumericResult:
    """Rank many parameter values under both objectives; the orders must agree (or reverse).

    For each data sample, ``CANDIDATES`` values of the parameters ``wrt`` are drawn and
    every pair is compared: objectives with the same minimisers order every pair alike.
    """
    wrt = set(wrt)
    groups = max(1, math.ceil(samples / CANDIDATES))
    done = 0
    try:
        for vs, env in _batches((before, after), scope, groups, seed):
            m = CANDIDATES
            # Data values are shared inside a group, parameters vary.
            for table in (env.scalars, env.families):
                for key in list(table):
                    if key not in wrt:
                        table[key] = np.repeat(table[key], m, axis=0)
            rng = np.random.default_rng(seed + done + 1)
            params = sample_env(vs, scope, env.sizes, env.size * m, rng, (before, after))
            for key in wrt:
                if key in params.scalars:
                    env.scalars[key] = params.scalars[key]
                if key in params.families:
                    env.families[key] = params.families[key]
            g = env.size
            env.size = g * m
            f1 = evaluate(before, env).reshape(g, m)
            f2 = evaluate(after, env).reshape(g, m)
            d1 = f1[:, :, None] - f1[:, None, :]
            d2 = (f2[:, :, None] - f2[:, None, :]) * order
            scale = 1 + np.abs(f1).max(axis=1)[:, None, None]
            clear = np.abs(d1) > 1e-7 * scale
            bad = clear & ~(np.sign(d1) == np.sign(d2))
            done += env.size
            if bad.any():
                grp, a, b = (int(v) for v in np.argwhere(bad)[0])
                witness = {"data": describe(env, grp * m),
                           "candidate_a": describe(env, grp * m + a),
                           "candidate_b": describe(env, grp * m + b),
                           "before": [float(f1[grp, a]), float(f1[grp, b])],
                           "after": [float(f2[grp, a]), float(f2[grp, b])]}
                return NumericResult("failed", done, witness,
                                     "the two objectives rank two parameter values differently")
    except XentsymError as exc:  # cannot sample or evaluate: no witness, not a refutation
        return NumericResult("failed", done, None, exc.message)
    return NumericResult("passed", done)
