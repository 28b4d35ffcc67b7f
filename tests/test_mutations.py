"""Mutation testing of the checker: corrupt every step of every derivation, expect refutation.

For each step of each derivation under derivations/, the right-hand side (with the step's
definitions and specialisations substituted) is corrupted in several ways: sign flipped,
p and q swapped, one additive term dropped, doubled or given the other sign, a wrong
coefficient, an exponent changed, a constant moved by one (0 -> 1), one entry of a family
with concrete indices made another component (the softmax with z_2 where z_1 belongs).
Each corruption is claimed as a one-step derivation from the step's left-hand side with the
step's relation (and, for ``<=``, the step's original certificate), and the whole batch is
checked with ``xentsym.verify.verify``.

Before judging the engine, every mutant is classified by an independent oracle
(tests/oracle.py: its own unfolding, sampling, evaluation and finite-difference
derivatives) as *equivalent* -- the corrupted claim is still true and is not expected to
be refuted -- or *value-changing*, which must be refuted with a counterexample:

* ``=``: equivalent when the mutant equals the original right-hand side at every point;
* same-argmin / argmin<->argmax: when it ranks the parameter values as the original does;
* ``<=``: when the oracle finds no point with lhs > mutant (a looser bound such as
  2 H(p, q) >= H(p) is still a true bound); value-changing means the oracle found a point
  where the corrupted bound fails.
"""
from __future__ import annotations

import contextlib
import dataclasses
import itertools
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
from xentsym.relations import AT_MOST, EQUAL
from xentsym.bound import replace_free
from xentsym.functions import BinaryKL, Sigmoid
from xentsym.rules import substitute
from xentsym.verify import Options, StepResult, verify

OPTIONS = Options(samples=300, seed=0, timeout=5.0)  # modest: ~440 claims per run
PANEL_POINTS = 480  # oracle points per size assignment when classifying mutants


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


def _replace_nth(expr: sp.Expr, match, make, target: int) -> sp.Expr:
    """``expr`` with only the ``target``-th node (in a fixed walk) satisfying ``match``
    rebuilt by ``make`` -- other equal nodes elsewhere stay as they are."""
    seen = [0]

    def walk(e):
        if match(e):
            seen[0] += 1
            return make(e) if seen[0] - 1 == target else e
        if not e.args:
            return e
        args = [walk(a) for a in e.args]
        return e.func(*args) if any(a is not b for a, b in zip(args, e.args)) else e

    return walk(expr)


def _concrete_index(e) -> bool:
    return isinstance(e, sp.Indexed) and any(ix.is_Integer for ix in e.indices)


def _index_mutants(expr: sp.Expr, context=()):
    """One entry of a family with a concrete index made another component of the same
    family (z_1 -> z_2): only components already in use in ``expr`` or ``context``, so the
    family keeps its length."""
    used = defaultdict(set)  # (family label, axis) -> concrete indices in use
    for e in (expr, *context):
        for ix in e.atoms(sp.Indexed):
            for axis, v in enumerate(ix.indices):
                if v.is_Integer:
                    used[(ix.base.label, axis)].add(int(v))
    nodes = []

    def collect(e):  # the matching nodes in the order _replace_nth counts them
        if _concrete_index(e):
            nodes.append(e)
        else:
            for a in e.args:
                collect(a)

    collect(expr)
    for target, node in enumerate(nodes):
        for axis, v in enumerate(node.indices):
            if not v.is_Integer:
                continue
            others = sorted(used[(node.base.label, axis)] - {int(v)})
            if not others:
                continue
            idx = list(node.indices)
            idx[axis] = sp.Integer(others[0])
            wrong = node.base[tuple(idx)]
            yield (f"{sp.sstr(node)} (occurrence {target + 1}) -> {sp.sstr(wrong)}",
                   _replace_nth(expr, _concrete_index, lambda e, w=wrong: w, target))


def mutants(expr: sp.Expr, context=()) -> list[tuple[str, str, sp.Expr]]:
    """(kind, description, mutant) for every corruption of ``expr``, without duplicates.

    ``context`` (the other side of the step) only tells which components of a family with
    concrete indices exist."""
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
            flipped = sp.Add(*[-t if t is term else t for t in site.args])
            out.append(("term-sign", f"sign of {sp.sstr(term)} flipped in {sp.sstr(site)}",
                        _replace_in(expr, site, flipped)))
    out.append(("coefficient", "times 2", 2 * expr))
    out.append(("coefficient", "times 3/2", sp.Rational(3, 2) * expr))
    for node in dict.fromkeys(n for n in sp.preorder_traversal(expr) if isinstance(n, sp.Pow)):
        out.append(("exponent", f"{sp.sstr(node)} -> exponent doubled",
                    _replace_in(expr, node, sp.Pow(node.base, 2 * node.exp))))
    if expr.is_Number:
        out.append(("constant", f"{expr} -> {expr + 1}", expr + 1))
    elif not any(t.is_Number for t in sp.Add.make_args(expr)):
        out.append(("constant", "off by one: + 1", expr + 1))
    for node in dict.fromkeys(n for n in sp.preorder_traversal(expr) if isinstance(n, sp.Add)):
        for term in node.args:
            if term.is_Number:
                bumped = sp.Add(*[t + 1 if t is term else t for t in node.args])
                out.append(("constant", f"{term} -> {term + 1} in {sp.sstr(node)}",
                            _replace_in(expr, node, bumped)))
    for why, m in _index_mutants(expr, context):
        out.append(("index", why, m))
    unique, seen = [], {expr}
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
    relation: object
    kind: str
    why: str
    before: sp.Expr
    expr: sp.Expr
    equivalent: bool
    claim: Derivation
    scope: object = None
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
    scope: object = None
    result: object = None


def _sense_before(d: Derivation, index: int):
    return d.sense if index == 1 else d.steps[index - 2].sense


def _claim(d: Derivation, step, name: str, before: sp.Expr, after: sp.Expr) -> Derivation:
    """A one-step derivation claiming ``before`` (relation) ``after``.

    Both sides already have the step's definitions and specialisations substituted; the
    facts are carried over as well, because a specialisation such as n = 2 also fixes the
    length of a distribution (p(x_2) = 1 - p(x_1) holds only for two outcomes). A ``<=``
    step keeps its certificate: for a mutant it no longer matches rhs - lhs, and the
    symbolic check must notice rather than take it on trust.
    """
    claim = Derivation(name, f"{d.title} (step {step.index})", before, wrt=step.wrt,
                       sense=_sense_before(d, step.index), scope=d.scope)
    claim.claim(after, "mutant", relation=step.relation, certificate=step.certificate)
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


def _free_indices(exprs, scope) -> list:
    """The free index symbols declared with a range (j over 1..d) in ``exprs``."""
    found = set()
    for e in exprs:
        found |= e.free_symbols
        found |= {s for d in e.atoms(sp.Derivative) for v in d.variables
                  for s in v.free_symbols}
    return sorted((s for s in found if isinstance(s, sp.Symbol) and scope is not None
                   and getattr(scope.lookup(s), "range", None) is not None),
                  key=sp.default_sort_key)


def _one_minus_sigmoid(e) -> bool:
    return (isinstance(e, sp.Add) and len(e.args) == 2 and sp.S.One in e.args
            and any(isinstance(-t, Sigmoid) for t in e.args))


def _sigmoid_arg(e):
    return [-t for t in e.args if isinstance(-t, Sigmoid)][0].args[0]


def _oracle_forms(exprs, scope, values=None) -> list[tuple]:
    """The expressions as the oracle reads them: a Kronecker delta as 0**((a - b)**2), and
    each free index with a declared range replaced by the ends of the range (1 and its
    size), or by its value in a witness (``values``). A mutant counts as equivalent only
    when it is so in every form."""
    # 0**((a - b)**2) is 1 when a = b and 0 otherwise (a Piecewise would be pulled out of
    # the sum around it by SymPy, freeing the summation index).
    exprs = [e.replace(sp.KroneckerDelta, lambda a, b, *_: sp.Pow(0, (a - b) ** 2))
             for e in exprs]
    # The KL divergence of two coins, which the oracle does not define, from its definition.
    exprs = [e.replace(BinaryKL, lambda a, b: a * sp.log(a / b)
                       + (1 - a) * sp.log((1 - a) / (1 - b))) for e in exprs]
    # 1 - sigma(u) as sigma(-u): the oracle's finite differences of log(1 - sigma(u)) lose
    # digits to cancellation where sigma(u) is near 1.
    exprs = [e.replace(_one_minus_sigmoid, lambda a: Sigmoid(-_sigmoid_arg(a)))
             for e in exprs]
    found = _free_indices(exprs, scope)
    if not found:
        return [tuple(exprs)]
    if values is not None:
        choices = [(sp.Integer(values[str(s)]),) for s in found]
    else:
        choices = [(sp.Integer(1), scope.lookup(s).range[1]) for s in found]
    return [tuple(replace_free(e, dict(zip(found, ends))) for e in exprs)
            for ends in itertools.product(*choices)]


def _classify(relation, before, after, built, wrt, scope) -> list[bool]:
    """For each mutant: is the corrupted claim still true (an equivalent mutant)?

    ``=``: the mutant equals the original right-hand side at every oracle point;
    optimiser relations: it ranks the parameters as the original does; ``<=``: the
    oracle finds no point where the left side exceeds the mutant. A free index is tried
    at both ends of its range."""
    flags = [True] * len(built)
    for before, after, *ms in _oracle_forms([before, after, *(m for _, _, m in built)],
                                            scope):
        got = _classify_one(relation, before, after, [(None, None, m) for m in ms], wrt,
                            scope)
        flags = [f and g for f, g in zip(flags, got)]
    return flags


def _classify_one(relation, before, after, built, wrt, scope) -> list[bool]:
    """``_classify`` for expressions the oracle reads as they are."""
    optimiser = relation.is_optimiser
    panel = oracle.Panel([before, after] + [m for _, _, m in built],
                         wrt=wrt if optimiser else None, count=PANEL_POINTS, scope=scope)
    if relation == AT_MOST:
        lhs = panel.evaluate(before)
        return [panel.at_most(lhs, panel.evaluate(m)) for _, _, m in built]
    reference = panel.evaluate(after)
    if optimiser:
        return [m == after or panel.same_ranking(reference, panel.evaluate(m), +1)
                for _, _, m in built]
    return [m == after or panel.equal(reference, panel.evaluate(m)) for _, _, m in built]


def _prepare(repo_root=REPO_ROOT):
    """The derivations, the original steps and every mutant, classified by the oracle
    (cheap, deterministic: every pytest-xdist worker can do it for itself)."""
    with _inside(repo_root):
        derivations = discover(["derivations"])
    originals, all_mutants = [], []
    for d in derivations:
        for step in d.steps:
            before = substitute(step.before, step.given)
            after = substitute(step.after, step.given)
            originals.append(Original(d.name, step.index, step.relation, before, after,
                                      step.wrt, _claim(d, step, f"{d.name}-{step.index}-orig",
                                                       before, after), d.scope))
            if step.relation not in (EQUAL, AT_MOST) and not step.relation.is_optimiser:
                raise AssertionError(f"{d.name} step {step.index}: the campaign has no "
                                     f"oracle for the relation {step.relation.key}")
            wrt = tuple(step.wrt)
            built = mutants(after, context=(before,))
            flags = _classify(step.relation, before, after, built, wrt, d.scope)
            for j, ((kind, why, m), equivalent) in enumerate(zip(built, flags)):
                all_mutants.append(Mutant(d.name, step.index, step.relation, kind, why,
                                          before, m, equivalent,
                                          _claim(d, step, f"{d.name}-{step.index}-m{j}",
                                                 before, m), d.scope))
    return derivations, originals, all_mutants


def _key(claim: Derivation) -> str:
    """What a claim asserts, as text that is the same in every process."""
    step = claim.steps[0]
    return sp.srepr((step.before, step.after, tuple(step.given), tuple(step.wrt),
                     step.certificate, sp.Symbol(step.relation.key),
                     sp.Symbol(str(claim.sense)))) + f"|scope {claim.scope is nt.LECTURE}"


def _run_engine(claims) -> dict:
    """{key: (symbolic, numeric, seconds)} for every distinct claim (steps whose two sides
    coincide after substitution, such as a specialisation followed by a claim, share
    their mutants: each distinct claim is verified once)."""
    unique = {}
    for c in claims:
        unique.setdefault(_key(c), c)
    results = verify(list(unique.values()), OPTIONS)
    out = {}
    for (key, claim), res in zip(unique.items(), results):
        assert res.derivation is claim
        (step,) = res.steps
        out[key] = (step.symbolic, step.numeric, step.seconds)
    return out


def _attach(items, verdicts: dict) -> None:
    for item in items:
        symbolic, numeric, seconds = verdicts[_key(item.claim)]
        item.result = StepResult(item.claim.steps[0], symbolic, numeric, seconds)


def _shared_verdicts(claims, folder, worker: int = 0, workers: int = 1) -> dict:
    """Under pytest-xdist every worker needs the whole campaign, and running the engine is
    the slow part. The distinct claims are cut into one shard per worker; each shard is
    verified once, by whoever takes its lock first, and left in the session's shared
    temporary folder for the others. A worker starts with its own shard, so with two
    workers the engine runs on both cores; a worker alone (``-k``) does every shard
    itself. Only one lock is held at a time, so no worker waits on another in a cycle."""
    import fcntl
    import pickle
    unique = list({_key(c): c for c in claims}.items())
    shards = max(1, workers)
    verdicts: dict = {}
    for offset in range(shards):
        shard = (worker + offset) % shards
        mine = [c for j, (_, c) in enumerate(unique) if j % shards == shard]
        data = folder / f"xentsym-mutation-verdicts-{shard}-of-{shards}.pickle"
        with open(folder / f"xentsym-mutation-verdicts-{shard}-of-{shards}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                found = pickle.loads(data.read_bytes()) if data.exists() else {}
                if not all(_key(c) in found for c in mine):
                    found = _run_engine(mine)
                    data.write_bytes(pickle.dumps(found))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        verdicts.update(found)
    return verdicts


def _build(repo_root=REPO_ROOT, shared_folder=None, worker: int = 0, workers: int = 1):
    derivations, originals, all_mutants = _prepare(repo_root)
    items = [*originals, *all_mutants]
    claims = [item.claim for item in items]
    if shared_folder is None:
        verdicts = _run_engine(claims)
    else:
        verdicts = _shared_verdicts(claims, shared_folder, worker, workers)
    _attach(items, verdicts)
    return derivations, originals, all_mutants


@pytest.fixture(scope="module")
def campaign(request, repo_root, tmp_path_factory):
    workerinput = getattr(request.config, "workerinput", None)  # set in a pytest-xdist worker
    if workerinput is None:
        return _build(repo_root)
    try:
        import fcntl  # noqa: F401  (POSIX only; elsewhere each worker runs the engine)
    except ImportError:
        return _build(repo_root)
    worker = int(str(workerinput.get("workerid", "gw0")).lstrip("gw") or 0)
    workers = int(workerinput.get("workercount", os.environ.get("PYTEST_XDIST_WORKER_COUNT", 1)))
    return _build(repo_root, tmp_path_factory.getbasetemp().parent, worker, workers)


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
    assert sp.Sum(p[i] * sp.log(q[i]), (i, 1, n)) + sp.log(p[1]) + q[1] ** 2 in got  # sign
    assert 2 * expr in got and sp.Rational(3, 2) * expr in got
    assert expr not in got


def test_the_new_operators_make_the_mutants_a_reader_would_expect():
    """sigma(z) + Y and sigma(z) - 2Y from sigma(z) - Y; the softmax with the wrong
    component; 0 -> 1; a constant inside a sum moved by one."""
    from xentsym.functions import Sigmoid
    from xentsym.notation import Y
    z = sp.Symbol("z", real=True)
    got = {m for _, _, m in mutants(Sigmoid(z) - Y)}
    assert {Sigmoid(z) + Y, Sigmoid(z) - 2 * Y, Y - Sigmoid(z)} <= got
    zs, t = sp.IndexedBase("z"), sp.IndexedBase("t")
    total = sp.exp(zs[1]) + sp.exp(zs[2]) + sp.exp(zs[3])
    kinds = {(k, m) for k, _, m in mutants(sp.exp(zs[1]) / total - t[1],
                                          context=(t[2] + t[3],))}
    assert ("index", sp.exp(zs[2]) / total - t[1]) in kinds  # the wrong component on top
    assert ("index", sp.exp(zs[1]) / total - t[2]) in kinds  # the wrong label
    assert ("constant", sp.Integer(1)) in {(k, m) for k, _, m in mutants(sp.Integer(0))}
    assert ("constant", sp.log(2 - Y)) in {(k, m) for k, _, m in mutants(sp.log(1 - Y))}


def test_the_campaign_covers_every_step_of_every_derivation(campaign):
    derivations, originals, all_mutants = campaign
    steps = {(d.name, s.index) for d in derivations for s in d.steps}
    assert {(o.derivation, o.step) for o in originals} == steps
    assert {(m.derivation, m.step) for m in all_mutants} == steps
    assert len(derivations) >= 18 and len(steps) >= 52
    relations = {o.relation.key for o in originals}
    assert {"=", "<=", "same-argmin", "argmin<->argmax"} <= relations


def test_the_oracle_confirms_every_original_step(campaign):
    """The oracle must agree that each real step holds, or its verdicts mean nothing."""
    _, originals, _ = campaign
    for o in originals:
        where = (o.derivation, o.step)
        if o.relation.is_optimiser:
            assert oracle.same_ranking(o.before, o.after, o.wrt, o.relation.order,
                                       scope=o.scope), where
        elif o.relation == AT_MOST:
            assert oracle.at_most(o.before, o.after, scope=o.scope), where
            # ... and it is a real inequality, so its mutants test something:
            assert not oracle.at_most(o.after, o.before, scope=o.scope), where
        else:
            for before, after in _oracle_forms([o.before, o.after], o.scope):
                assert oracle.equal(before, after, scope=o.scope), where


def test_the_oracle_refutes_what_it_should():
    """The oracle itself on claims known to be false: a wrong gradient, a reversed
    Gibbs inequality, the wrong softmax component."""
    from xentsym.functions import BinaryCrossEntropy, CrossEntropy, Entropy, Sigmoid
    from xentsym.notation import Y, p, q
    with _inside(REPO_ROOT):
        found = {d.name: d for d in discover(["derivations"])}
    sig = found["sigmoid-bce-gradient"]
    z = sig.steps[0].before.variables[0]
    grad = sp.Derivative(BinaryCrossEntropy(Y, Sigmoid(z)), z)
    assert oracle.equal(grad, Sigmoid(z) - Y, scope=sig.scope)
    assert not oracle.equal(grad, Y - Sigmoid(z), scope=sig.scope)
    assert not oracle.equal(grad, Sigmoid(z) * (1 - Sigmoid(z)) - Y, scope=sig.scope)
    assert oracle.at_most(Entropy(p), CrossEntropy(p, q))
    assert not oracle.at_most(CrossEntropy(p, q), Entropy(p))
    soft = found["softmax-ce-gradient"]
    before, after = soft.steps[0].before, soft.steps[-1].after
    k = before.variables[0].indices[0]
    wrong = after.xreplace({before.variables[0]: before.variables[0].base[1]})
    for b, a, w in _oracle_forms([before, after, wrong], soft.scope):
        assert oracle.equal(b, a, scope=soft.scope)
    # the softmax of class 1 where class k belongs: wrong at k = K (K > 1)
    assert not all(oracle.equal(b, w, scope=soft.scope)
                   for b, _, w in _oracle_forms([before, after, wrong], soft.scope))
    assert k in soft.scope and soft.scope.lookup(k).range is not None


def test_the_oracle_differentiates_entries_of_families():
    """Central differences with respect to one entry of a family, through a sum, also for
    a distribution over one outcome (whose only entry is 1)."""
    from xentsym.functions import CrossEntropy
    from xentsym.notation import p, q
    grad = sp.Derivative(CrossEntropy(p, q), q[1])
    assert oracle.equal(grad, -p[1] / q[1])
    assert not oracle.equal(grad, sp.Integer(0))
    assert not oracle.equal(grad, -p[1] / q[1] ** 2)


def test_unmutated_steps_reclaimed_the_same_way_verify(campaign):
    _, originals, _ = campaign
    assert len(originals) >= 52
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


def _witness_holds(m) -> bool:
    """Re-evaluate the engine's counterexample with the oracle: True when the oracle sees
    the claim fail at that very point."""
    ce = m.result.numeric.counterexample
    exprs = (m.before, m.expr)
    if m.relation.is_optimiser:
        a, b = ce["candidate_a"], ce["candidate_b"]
        f = [[oracle.at_point(e, pt, exprs, m.scope) for pt in (a, b)] for e in exprs]
        d1, d2 = f[0][0] - f[0][1], (f[1][0] - f[1][1]) * m.relation.order
        s1 = oracle.np.sign(d1) if abs(d1) > 1e-7 * (1 + abs(f[0][0]) + abs(f[0][1])) else 0
        s2 = oracle.np.sign(d2) if abs(d2) > 1e-7 * (1 + abs(f[1][0]) + abs(f[1][1])) else 0
        return s1 != 0 and s1 != s2
    assert isinstance(ce["values"], dict), m.label  # empty when nothing was sampled
    ((before, after),) = _oracle_forms(exprs, m.scope, ce["values"])
    named = _completed(ce["values"], (before, after), m.scope)
    lhs = oracle.at_point(before, named, (before, after), m.scope)
    rhs = oracle.at_point(after, named, (before, after), m.scope)
    rtol = oracle.FD_RTOL if m.before.has(sp.Derivative) else oracle.RTOL
    left, right = oracle.np.array([lhs]), oracle.np.array([rhs])
    if m.relation == AT_MOST:
        return not oracle.not_above(left, right, rtol)[0]
    return not oracle.close(left, right, rtol)[0]


def _completed(named: dict, exprs, scope) -> dict:
    """The witness, with a value drawn by the oracle for any name the engine did not need
    (the y_i of d/dw_l [(sigma_i - y_i) x_ij] vanish once the derivative is taken)."""
    written = [oracle.unfold(e, scope) for e in exprs]
    sizes = {s: int(named[str(s)]) for s in oracle.size_symbols(written, scope)}
    drawn = oracle.sample(written, 1, oracle.np.random.default_rng(0), sizes, scope=scope)
    out = dict(named)
    for obj, values in drawn.items():
        out.setdefault(str(obj), values[0].tolist())
    return out


def test_counterexamples_really_are_counterexamples(campaign):
    """Every witness the engine gives is checked by the oracle at that very point: for a
    false equality the two sides differ there, for a false bound the left side is larger,
    for a false optimiser step the two candidates are ranked differently."""
    _, _, all_mutants = campaign
    checked = Counter()
    wrong = []
    for m in all_mutants:
        ce = m.result.numeric.counterexample
        if m.equivalent or ce is None:
            continue
        if m.relation == AT_MOST:
            assert ce["lhs"] > ce["rhs"], m.label
        elif "lhs" in ce:
            assert not oracle.close(oracle.np.array([ce["lhs"]]),
                                    oracle.np.array([ce["rhs"]]))[0], m.label
        if not _witness_holds(m):
            wrong.append(f"{m.label}: {ce}")
        checked[m.relation.key] += 1
    assert not wrong, "\n".join(wrong)
    assert checked["="] > 0 and checked["<="] > 0
    assert checked["same-argmin"] + checked["argmin<->argmax"] > 0


def test_equivalent_mutants_are_not_refuted(campaign):
    """A corruption that left the claim true must not be called false."""
    _, _, all_mutants = campaign
    wrong = [f"{m.label}: {m.result.numeric.counterexample or m.result.symbolic.message}"
             for m in all_mutants if m.equivalent and m.result.status == "refuted"]
    assert not wrong, "\n".join(wrong)


def test_a_stale_certificate_proves_nothing(campaign):
    """Mutants of a <= step are claimed with the original step's certificate, which no
    longer equals rhs - lhs: the symbolic check must not take it on trust."""
    _, _, all_mutants = campaign
    bounds = [m for m in all_mutants if m.relation == AT_MOST]
    assert len(bounds) >= 10
    assert not [m.label for m in bounds
                if not m.equivalent and m.result.symbolic.status == "proved"]


def test_kill_rate(campaign, record_property):
    _, _, all_mutants = campaign
    by_kind = defaultdict(lambda: [0, 0, 0])
    by_relation = defaultdict(lambda: [0, 0, 0])
    for m in all_mutants:
        for row in (by_kind[m.kind], by_relation[m.relation.key]):
            if m.equivalent:
                row[2] += 1
            else:
                row[1] += 1
                row[0] += (m.result.status == "refuted"
                           and m.result.numeric.counterexample is not None)
    killed = sum(r[0] for r in by_kind.values())
    changing = sum(r[1] for r in by_kind.values())
    equivalent = sum(r[2] for r in by_kind.values())
    stats = dict(total=len(all_mutants), killed=killed, changing=changing,
                 equivalent=equivalent, rate=killed / changing,
                 by_kind={k: tuple(v) for k, v in by_kind.items()},
                 by_relation={k: tuple(v) for k, v in by_relation.items()})
    MUTATION_STATS.update(stats)
    record_property("mutation_stats", stats)  # reaches the controller under pytest-xdist
    lines = [f"mutation kill rate: {killed}/{changing} value-changing mutants refuted "
             f"({killed / changing:.1%}); {equivalent} equivalent mutants skipped"]
    for title, table in (("operator", by_kind), ("relation", by_relation)):
        for key, (k, c, e) in sorted(table.items()):
            lines.append(f"  {title} {key:<16} killed {k}/{c}, equivalent {e}")
    print("\n" + "\n".join(lines))
    assert {"sign", "swap-p-q", "drop-term", "coefficient", "exponent", "term-sign",
            "index", "constant"} <= set(by_kind)
    assert {"=", "<=", "same-argmin", "argmin<->argmax"} <= set(by_relation)
    assert by_relation["<="][1] > 0 and by_relation["<="][2] > 0  # both kinds of bound
    assert changing >= 300
    assert killed == changing
