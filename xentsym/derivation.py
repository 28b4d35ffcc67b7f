"""Derivation and Step: a titled chain of moves from a start expression, each a named rule."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

import sympy as sp

from . import conditions as cond
from . import display
from .errors import RuleError
from .notation import LECTURE, Scope
from .relations import EQUAL, SWITCH_SENSE, Relation
from .rules import Rule

SENSES = ("min", "max")


@dataclass(frozen=True)
class Step:
    """One move: ``before`` relates to ``after`` as ``relation`` says, for the reason given."""

    index: int
    before: sp.Expr
    after: sp.Expr
    relation: Relation
    rule: str  # the rule's name, or "claim"
    text: str  # the justification, English
    text_zh: str  # the justification, Chinese
    given: tuple = ()  # (old, new) substitutions in force: definitions and specialisations
    conditions: tuple = ()  # side conditions the rule relied on
    wrt: tuple = ()  # parameters, for optimiser relations
    sense: str | None = None  # "min"/"max" of ``after``, for optimiser chains
    origin: tuple = ("", 0)  # (file, line) of the script line that made the step
    subject: tuple = ()  # expressions that fill the "{}" of the justification
    certificate: sp.Expr | None = None  # for <=: equals after - before and is visibly >= 0

    @property
    def relation_key(self) -> str:
        """The relation as written in reports: '=', 'same-argmin', 'argmin<->argmax', ..."""
        if self.relation.key == "same-argmin" and self.sense == "max":
            return "same-argmax"
        return self.relation.key

    def template(self, lang: str = "en") -> str:
        """The justification with "{}" where the subject expressions go."""
        return self.text_zh if lang == "zh" and self.text_zh else self.text

    def justification(self, lang: str = "en", show=sp.sstr) -> str:
        """The justification as text, the subject printed with ``show``."""
        shown = ", ".join(show(e) for e in self.subject)
        return self.template(lang).replace("{}", shown)


@dataclass
class Derivation:
    """A chain of steps from ``start``; build it with ``apply`` and ``claim``.

    ``sense`` ("min" or "max") and ``wrt`` (the parameters) make it an optimisation chain,
    in which steps may change the objective without moving its optimisers.
    """

    name: str
    title: str
    start: sp.Expr
    title_zh: str = ""
    description: str = ""
    scope: Scope = LECTURE
    wrt: tuple = ()
    sense: str | None = None
    parameter: str = ""  # LaTeX of the parameter under arg min / arg max, e.g. r"\theta"
    steps: list = field(default_factory=list)
    origin: tuple = ("", 0)
    # Why this derivation is expected to stay unproven (a step the checks cannot settle yet);
    # "" when every step should verify. A refuted step is never expected.
    expect_unproven: str = ""

    def __post_init__(self):
        if self.sense not in (None, *SENSES):
            raise ValueError(f"sense must be 'min', 'max' or None, not {self.sense!r}")
        self.start = sp.sympify(self.start)
        self.wrt = tuple(self.wrt)
        if self.origin == ("", 0):
            self.origin = _caller(3)  # past __post_init__ and the generated __init__

    @property
    def current(self) -> sp.Expr:
        """The expression the next step starts from."""
        return self.steps[-1].after if self.steps else self.start

    @property
    def given(self) -> tuple:
        return self.steps[-1].given if self.steps else ()

    @property
    def current_sense(self) -> str | None:
        return self.steps[-1].sense if self.steps else self.sense

    def _next_sense(self, relation: Relation) -> str | None:
        sense = self.current_sense
        if relation.is_optimiser:
            if sense is None or not self.wrt:
                raise RuleError(f"derivation {self.name!r}: the relation {relation.key} needs "
                                "an optimisation chain (give sense= and wrt=)")
            if relation == SWITCH_SENSE:
                return "max" if sense == "min" else "min"
        return sense

    def _add(self, after, relation, rule_name, text, text_zh, facts=(), conditions=(),
             origin=("", 0), subject=(), certificate=None) -> "Derivation":
        step = Step(len(self.steps) + 1, self.current, after, relation, rule_name, text,
                    text_zh, self.given + tuple(facts), tuple(conditions), self.wrt,
                    self._next_sense(relation), origin, tuple(subject), certificate)
        self.steps.append(step)
        return self

    def apply(self, rule: Rule, *, relation: Relation | None = None) -> "Derivation":
        """Let the engine compute the next expression with ``rule``."""
        origin = _caller(2)
        with cond.using_scope(self.scope), cond.recording() as used:
            after = rule(self.current)
            certificate = rule.certify(self.current) if rule.certify else None
        if after == self.current:
            unproved = [str(c) for c in used if not c.proved]
            why = f" (could not prove {'; '.join(unproved)})" if unproved else ""
            raise RuleError(f"derivation {self.name!r}: rule {rule.name} does not apply to "
                            f"{sp.sstr(self.current)}{why}", file=origin[0], line=origin[1])
        return self._add(after, relation or rule.relation, rule.name, rule.text, rule.text_zh,
                         rule.facts(), [c for c in used if c.proved], origin, rule.subject,
                         certificate)

    def claim(self, expr, because: str, because_zh: str = "",
              relation: Relation = EQUAL, certificate=None) -> "Derivation":
        """Assert the next expression yourself; the checks decide whether it holds.

        For ``<=`` a ``certificate`` (an expression equal to after - before that is visibly
        non-negative) lets the symbolic check prove the step.
        """
        return self._add(sp.sympify(expr), relation, "claim", because, because_zh or because,
                         origin=_caller(2), certificate=certificate)

    def __len__(self) -> int:
        return len(self.steps)

    def _repr_latex_(self) -> str | None:
        """Jupyter: the steps as one ``aligned`` block (render/jupyter.py)."""
        return display.show(self, "latex")

    def _repr_html_(self) -> str | None:
        """Jupyter: steps, reasons and a verdict per step (render/jupyter.py)."""
        return display.show(self, "html")


def _caller(depth: int) -> tuple:
    frame = sys._getframe(depth)
    return (frame.f_code.co_filename, frame.f_lineno)
