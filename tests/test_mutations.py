"""Mutation testing of the checker: corrupt every step of every derivation, expect refutation.

For each step of each derivation under derivations/, the right-hand side (with the step's
definitions and specialisations substituted) is corrupted in several ways: sign flipped,
p and q swapped, one additive term dropped, a wrong coefficient, an exponent changed. Each
corruption is claimed as a one-step derivation from the step's left-hand side with the
step's relation, and the whole batch is checked with ``xentsym.verify.verify``.

Before judging the engine, every mutant is classified by an independent oracle
(tests/oracle.py: its own unfolding, sampling and evaluation): a mutant that equals the
original right-hand side everywhere (or, for optimiser steps, ranks the parameters the same
way) is *equivalent* -- the corrupted claim is still true -- and is not expected to be
refuted. Every other mutant is *value-changing* and must be refuted with a counterexample.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
from collections import Counter, defaultdict
from dataclasses import dataclass

import pytest
import sympy as sp

import oracle
from conftest import MUTATION_STATS, REPO_ROOT
from xentsym import Derivation
from xentsym import notation as nt
from xentsym.discover import discover
from xentsym.relations import EQUAL
from xentsym.rules import substitute
from xentsym.verify import Options, verify

OPTIONS = Options(samples=1000, seed=0, timeout=5.0)


# --- mutation operators --------------------------------------------------------------------

def _additive_sites(expr: sp.Expr):
    """Adds whose terms can be dropped or rescaled: the top-level Add, and the Add inside
    each Sum's summand (the summand itself, or an Add factor of a product summand)."""
    if isinstance(expr, sp.Add):
        yield expr
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum):
            body = node.function
            if isinstance(body, sp.Add):
                yield body
            elif isinstance(body, sp.Mul):
                yield from (f for f in body.args if isinstance(f, sp.Add))


def _replace_in(expr: sp.Expr, old: sp.Expr, new: sp.Expr) -> sp.Expr:
    return new if expr == old else expr.xreplace({old: new})


def mutants(expr: sp.Expr) -> list[tuple[str, str, sp.Expr]]:
    """(kind, description, mutant) for every corruption of ``expr``, without duplicates."""
    out: list[tuple[str, str, sp.Expr]] = [("sign", "negated", -expr)]
    if expr.has(nt.p) and expr.has(nt.q):
        out.append(("swap-p-q", "p and q swapped", expr.xreplace({nt.p: nt.q, nt.q: nt.p})))
    for site in dict.fromkeys(_additive_sites(expr)):
        for term in site.args:
            rest = sp.Add(*[t for t in site.args if t is not term])
            out.append(("drop-term", f"dropped {sp.sstr(term)} from {sp.sstr(site)}",
                        _replace_in(expr, site, rest)))
            scaled = sp.Add(*[2 * t if t is term else t for t in site.args])
            out.append(("coefficient", f"doubled {sp.sstr(term)} in {sp.sstr(site)}",
                        _replace_in(expr, site, scaled)))
    out.append(("coefficient", "times 2", 2 * expr))
    out.append(("coefficient", "times 3/2", sp.Rational(3, 2) * expr))
    for node in dict.fromkeys(n for n in sp.preorder_traversal(expr) if isinstance(n, sp.Pow)):
        out.append(("exponent", f"{sp.sstr(node)} -> exponent doubled",
                    _replace_in(expr, node, sp.Pow(node.base, 2 * node.exp))))
    unique, seen = [], set()
    for kind, why, m in out:
        if m not in seen:
            seen.add(m)
            unique.append((kind, why, m))
    return unique


# --- the campaign ------------------------------------------------------------------------

@dataclass
class Mutant:
    derivation: str
    step: int
    kind: str
    why: str
    expr: sp.Expr
    equivalent: bool
    claim: Derivation
    result: object = None  # StepResult

    @property
    def label(self) -> str:
        return f"{self.derivation} step {self.step} [{self.kind}: {self.why}]"


@dataclass
class Original:
    derivation: str
    step: int
    relation: object
    before: sp.Expr
    after: sp.Expr
    wrt: tuple
    claim: Derivation
    result: object = None


def _sense_before(d: Derivation, index: int):
    return d.sense if index == 1 else d.steps[index - 2].sense


def _claim(d: Derivation, step, name: str, before: sp.Expr, after: sp.Expr) -> Derivation:
    """A one-step derivation claiming ``before`` (relation) ``after``.

    Both sides already have the step's definitions and specialisations substituted; the
    facts are carried over as well, because a specialisation such as n = 2 also fixes the
    length of a distribution (p(x_2) = 1 - p(x_1) holds only for two outcomes).
    """
    claim = Derivation(name, f"{d.title} (step {step.index})", before, wrt=step.wrt,
                       sense=_sense_before(d, step.index), scope=d.scope)
    claim.claim(after, "mutant", relation=step.relation)
    if step.given:
        claim.steps[-1] = dataclasses.replace(claim.steps[-1], given=step.given)
    return claim


@contextlib.contextmanager
def _inside(folder):
    old = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def _build(repo_root=REPO_ROOT):
    with _inside(repo_root):
        derivations = discover(["derivations"])
    originals, all_mutants = [], []
    for d in derivations:
        for step in d.steps:
            before = substitute(step.before, step.given)
            after = substitute(step.after, step.given)
            originals.append(Original(d.name, step.index, step.relation, before, after,
                                      step.wrt, _claim(d, step, f"{d.name}-{step.index}-orig",
                                                       before, after)))
            optimiser = step.relation.is_optimiser
            if not optimiser and step.relation != EQUAL:
                continue  # no such steps in the lecture; nothing to compare here
            wrt = tuple(w for w in step.wrt)
            built = mutants(after)
            panel = oracle.Panel([before, after] + [m for _, _, m in built],
                                 wrt=wrt if optimiser else None, count=480)
            reference = panel.evaluate(after)
            for j, (kind, why, m) in enumerate(built):
                if m == after:
                    equivalent = True
                elif optimiser:
                    equivalent = panel.same_ranking(reference, m, +1)
                else:
                    equivalent = panel.equal(reference, m)
                all_mutants.append(Mutant(d.name, step.index, kind, why, m, equivalent,
                                          _claim(d, step, f"{d.name}-{step.index}-m{j}",
                                                 before, m)))
    results = verify([o.claim for o in originals] + [m.claim for m in all_mutants], OPTIONS)
    for item, res in zip([*originals, *all_mutants], results):
        assert res.derivation is item.claim
        (item.result,) = res.steps
    return derivations, originals, all_mutants


@pytest.fixture(scope="module")
def campaign(repo_root):
    return _build(repo_root)


DERIVATION_NAMES = [d.name for d in discover([str(REPO_ROOT / "derivations")])]


# --- tests ---------------------------------------------------------------------------------

def test_the_operators_corrupt_a_known_expression():
    from xentsym.notation import i, n, p, q
    expr = sp.Sum(p[i] * sp.log(q[i]), (i, 1, n)) - sp.log(p[1]) + q[1] ** 2
    got = {m for _, _, m in mutants(expr)}
    assert -expr in got
    assert sp.Sum(q[i] * sp.log(p[i]), (i, 1, n)) - sp.log(q[1]) + p[1] ** 2 in got
    assert sp.Sum(p[i] * sp.log(q[i]), (i, 1, n)) + q[1] ** 2 in got  # dropped a term
    assert sp.Sum(p[i] * sp.log(q[i]), (i, 1, n)) - sp.log(p[1]) + q[1] ** 4 in got
    assert 2 * expr in got and sp.Rational(3, 2) * expr in got
    assert expr not in got


def test_the_oracle_confirms_every_original_step(campaign):
    """The oracle must agree that each real step holds, or its verdicts mean nothing."""
    _, originals, _ = campaign
    for o in originals:
        if o.relation.is_optimiser:
            assert oracle.same_ranking(o.before, o.after, o.wrt, o.relation.order), o
        else:
            assert oracle.equal(o.before, o.after), (o.derivation, o.step)


def test_unmutated_steps_reclaimed_the_same_way_verify(campaign):
    _, originals, _ = campaign
    assert len(originals) >= 20
    bad = [f"{o.derivation} step {o.step}: {o.result.status} "
           f"(symbolic {o.result.symbolic.status}: {o.result.symbolic.message}; "
           f"numeric {o.result.numeric.status}: {o.result.numeric.message})"
           for o in originals if o.result.status != "verified"]
    assert not bad, "\n".join(bad)


def test_every_step_has_value_changing_mutants(campaign):
    derivations, _, all_mutants = campaign
    changing = Counter((m.derivation, m.step) for m in all_mutants if not m.equivalent)
    missing = [(d.name, s.index) for d in derivations for s in d.steps
               if changing[(d.name, s.index)] == 0]
    assert not missing


@pytest.mark.parametrize("name", DERIVATION_NAMES)
def test_value_changing_mutants_are_refuted(campaign, name):
    _, _, all_mutants = campaign
    mine = [m for m in all_mutants if m.derivation == name and not m.equivalent]
    assert mine
    survivors = []
    for m in mine:
        r = m.result
        if r.status != "refuted":
            survivors.append(f"{m.label}: {r.status} (symbolic {r.symbolic.status}, "
                             f"numeric {r.numeric.status} {r.numeric.message})")
        elif r.numeric.counterexample is None:
            survivors.append(f"{m.label}: refuted without a numeric counterexample "
                             f"(numeric {r.numeric.status}: {r.numeric.message})")
        elif r.symbolic.status == "proved":
            survivors.append(f"{m.label}: the symbolic check PROVED a false claim")
    assert not survivors, "\n".join(survivors)


def test_counterexamples_really_are_counterexamples(campaign):
    """For false equalities, the engine's witness must show two different values."""
    _, _, all_mutants = campaign
    checked = 0
    for m in all_mutants:
        ce = m.result.numeric.counterexample
        if m.equivalent or ce is None or "lhs" not in ce:
            continue
        assert isinstance(ce["values"], dict) and ce["values"], m.label
        assert not oracle.close(oracle.np.array([ce["lhs"]]), oracle.np.array([ce["rhs"]]))[0], \
            m.label
        checked += 1
    assert checked > 0


def test_equivalent_mutants_are_not_refuted(campaign):
    """A corruption that left the claim true must not be called false."""
    _, _, all_mutants = campaign
    wrong = [f"{m.label}: {m.result.numeric.counterexample or m.result.symbolic.message}"
             for m in all_mutants if m.equivalent and m.result.status == "refuted"]
    assert not wrong, "\n".join(wrong)


def test_kill_rate(campaign):
    _, _, all_mutants = campaign
    by_kind = defaultdict(lambda: [0, 0, 0])
    for m in all_mutants:
        row = by_kind[m.kind]
        if m.equivalent:
            row[2] += 1
        else:
            row[1] += 1
            row[0] += m.result.status == "refuted" and m.result.numeric.counterexample is not None
    killed = sum(r[0] for r in by_kind.values())
    changing = sum(r[1] for r in by_kind.values())
    equivalent = sum(r[2] for r in by_kind.values())
    MUTATION_STATS.update(total=len(all_mutants), killed=killed, changing=changing,
                          equivalent=equivalent, rate=killed / changing,
                          by_kind={k: tuple(v) for k, v in by_kind.items()})
    print(f"\nmutation kill rate: {killed}/{changing} value-changing mutants refuted "
          f"({killed / changing:.1%}); {equivalent} equivalent mutants skipped")
    assert {"sign", "swap-p-q", "drop-term", "coefficient", "exponent"} <= set(by_kind)
    assert changing >= 100
    assert killed == changing
