"""Side conditions of rewrite steps, proved from the symbols' domains and recorded."""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import sympy as sp

from .notation import LECTURE, Scope

_scope: contextvars.ContextVar[Scope] = contextvars.ContextVar("scope", default=LECTURE)
_log: contextvars.ContextVar[list | None] = contextvars.ContextVar("conditions", default=None)


@dataclass(frozen=True)
class SideCondition:
    """A fact a step relies on, e.g. ``1 - beta > 0``, and whether the domains prove it."""

    expr: sp.Expr
    kind: str  # "> 0", "< 0", "real"
    proved: bool

    def __str__(self) -> str:
        text = f"{sp.sstr(self.expr)} is real" if self.kind == "real" else \
            f"{sp.sstr(self.expr)} {self.kind}"
        return text if self.proved else text + " (not proved)"

    def latex(self, printer=sp.latex) -> str:
        """The condition in LaTeX, with ``printer`` for the expression."""
        body = printer(self.expr)
        return rf"{body} \in \mathbb{{R}}" if self.kind == "real" else f"{body} {self.kind}"


def current_scope() -> Scope:
    """The scope whose domains the rules and checks consult."""
    return _scope.get()


@contextmanager
def using_scope(scope: Scope) -> Iterator[Scope]:
    """Make ``scope`` the one consulted inside the block."""
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


@contextmanager
def recording() -> Iterator[list[SideCondition]]:
    """Collect the side conditions that proofs inside the block rely on."""
    log: list[SideCondition] = []
    token = _log.set(log)
    try:
        yield log
    finally:
        _log.reset(token)


def _record(cond: SideCondition) -> bool:
    log = _log.get()
    if log is not None and cond not in log:
        log.append(cond)
    return cond.proved


def _parametrised(expr: sp.Expr, scope: Scope) -> sp.Expr:
    """Replace each atom by an expression in a positive dummy that covers its domain."""
    atoms = [a for a in expr.atoms(sp.Indexed)] + \
        [s for s in expr.free_symbols if isinstance(s, sp.Symbol)]
    subs = {}
    for atom in atoms:
        decl = scope.lookup(atom)
        if decl is None:
            continue
        image = decl.domain.parametrise(sp.Dummy(positive=True))
        if image is not None:
            subs[atom] = image
    return expr.xreplace(subs)


def sign_of(expr: sp.Expr, scope: Scope | None = None) -> int:
    """+1 or -1 when the domains prove the sign of ``expr``, else 0."""
    scope = scope or current_scope()
    for candidate in (expr, sp.together(_parametrised(expr, scope))):
        if candidate.is_positive:
            return 1
        if candidate.is_negative:
            return -1
    return 0


def fact(expr: sp.Expr, kind: str) -> None:
    """Record a fact taken from a domain itself, e.g. that a distribution sums to 1."""
    _record(SideCondition(expr, kind, True))


def positive(expr: sp.Expr) -> bool:
    """Prove ``expr > 0`` from the domains and record it; False when it cannot be proved."""
    if expr.is_Number:
        return expr.is_positive is True
    return _record(SideCondition(expr, "> 0", sign_of(expr) > 0))


def real(expr: sp.Expr) -> bool:
    """Prove that ``expr`` is real and record it."""
    if expr.is_Number:
        return bool(expr.is_real)
    return _record(SideCondition(expr, "real", bool(expr.is_real)))
