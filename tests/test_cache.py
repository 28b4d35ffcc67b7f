"""The verdict cache: a warm run gives the verdicts of a cold one, and every input misses."""
from __future__ import annotations

import json
import math
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import sympy as sp

import xentsym
from xentsym import cache as C
from xentsym.checkdoc import check_document
from xentsym.derivation import Derivation
from xentsym.discover import discover
from xentsym.domains import POSITIVE, PROBABILITY
from xentsym.notation import Declaration, Scope, beta
from xentsym.verify import Options, check_step, verify

ROOT = Path(__file__).resolve().parents[1]


def _verdicts(results):
    # a cached proof keeps its side conditions as their text
    return [(r.derivation.name, s.step.index, s.status, s.numeric,
             replace(s.symbolic, conditions=tuple(map(str, s.symbolic.conditions))))
            for r in results for s in r.steps]


def _power(claimed, name="power"):
    d = Derivation(name, "log of a square", sp.log(beta ** 2))
    d.claim(claimed, "the power comes down")
    return d


@pytest.fixture()
def folder(tmp_path):
    return tmp_path / "cache"


def test_a_warm_run_gives_the_same_verdicts(folder):
    derivations = discover([ROOT / "derivations" / "kl_split.py"]) + [_power(3 * sp.log(beta))]
    options = Options(samples=300, cache=str(folder))
    cold = verify(derivations, options)
    warm = verify(derivations, options)
    assert _verdicts(warm) == _verdicts(cold) == _verdicts(
        verify(derivations, Options(samples=300)))
    assert not any(s.cached for r in cold for s in r.steps)
    assert all(s.cached for r in warm for s in r.steps)
    # log(beta^2) = 3 log(beta) is false for every beta in (0, 1): refuted from the cache too
    wrong = warm[-1].steps[0]
    assert wrong.status == "refuted"
    beta_value = wrong.numeric.counterexample["values"]["beta"]
    assert wrong.numeric.counterexample["rhs"] == pytest.approx(3 * math.log(beta_value),
                                                                rel=1e-9)


def test_a_changed_side_is_checked_again(folder):
    options = Options(samples=200, cache=str(folder))
    (right,) = verify([_power(2 * sp.log(beta))], options)
    (wrong,) = verify([_power(3 * sp.log(beta))], options)  # same start, other claim
    assert right.status == "verified" and wrong.status == "refuted"
    assert not wrong.steps[0].cached


def _key(step, scope, **options):
    return C.step_key(step, scope, Options(**options))


def test_the_key_covers_sides_domains_options_and_versions(monkeypatch, tmp_path):
    step = _power(2 * sp.log(beta)).steps[0]
    scope = Scope([Declaration(beta, PROBABILITY)])
    base = _key(step, scope)
    assert base == _key(step, Scope([Declaration(beta, PROBABILITY)]))  # stable
    assert base != _key(_power(3 * sp.log(beta)).steps[0], scope)  # a side
    assert base != _key(step, Scope([Declaration(beta, POSITIVE)]))  # a domain
    assert base != _key(step, scope, samples=999)  # the options
    assert base != _key(step, scope, seed=1)
    assert base == _key(step, scope, timeout=1.0)  # only finished verdicts are stored
    import importlib.metadata
    import sys

    from xentsym.fingerprint import versions
    for library in ("sympy", "numpy", "mpmath"):
        # another version installed ahead on the path: what importlib.metadata now reports
        site = tmp_path / library
        (site / f"{library}-0.0.1.dist-info").mkdir(parents=True)
        (site / f"{library}-0.0.1.dist-info" / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {library}\nVersion: 0.0.1\n")
        monkeypatch.setattr(sys, "path", [str(site), *sys.path])
        assert importlib.metadata.version(library) == "0.0.1"
        C.code_digest.cache_clear()
        versions.cache_clear()
        assert _key(step, scope) != base, library
        monkeypatch.undo()
        versions.cache_clear()
    monkeypatch.setattr(xentsym, "__version__", "99.0")
    C.code_digest.cache_clear()
    assert _key(step, scope) != base
    monkeypatch.undo()
    C.code_digest.cache_clear()
    versions.cache_clear()
    assert _key(step, scope) == base


def test_a_dummy_symbol_does_not_change_the_key():
    one, two = sp.Dummy("t"), sp.Dummy("t")
    assert C.stable(sp.Lambda(one, one ** 2)) == C.stable(sp.Lambda(two, two ** 2))
    assert C.stable((one, two)) != C.stable((one, one))


def test_a_damaged_entry_is_checked_again(folder):
    derivations = [_power(3 * sp.log(beta)), _power(2 * sp.log(beta), "right")]
    options = Options(samples=200, cache=str(folder))
    cold = verify(derivations, options)
    entries = sorted(folder.rglob("*.json"))
    assert len(entries) == 2
    entries[0].write_text("{ not json")
    body = json.loads(entries[1].read_text())
    body["key"] = "0" * 64  # an entry filed under another key
    entries[1].write_text(json.dumps(body))
    again = verify(derivations, options)
    assert _verdicts(again) == _verdicts(cold)
    assert not any(s.cached for r in again for s in r.steps)
    assert all(s.cached for r in verify(derivations, options) for s in r.steps)  # rewritten


class _TimingOut:
    def submit(self, fn, *args):
        pass

    def result(self, timeout):
        return ("timeout", None)


def test_a_timeout_is_not_stored(folder):
    step = _power(2 * sp.log(beta)).steps[0]
    options = Options(samples=100, cache=str(folder))
    result = check_step(step, Scope([Declaration(beta, PROBABILITY)]), options, _TimingOut())
    assert result.symbolic.status == "timeout" and result.status == "unproven"
    assert not list(folder.rglob("*.json"))


def test_check_doc_warm_run(folder):
    path = ROOT / "tests" / "corpus" / "bits.md"
    options = Options(samples=300, cache=str(folder))
    cold = check_document(str(path), options).to_dict()
    warm = check_document(str(path), options).to_dict()
    assert warm == cold == check_document(str(path), Options(samples=300)).to_dict()
    assert list(folder.rglob("*.json"))


def test_no_cache_writes_nothing(capsys, tmp_path, monkeypatch):
    from xentsym.cli import main
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(C.ENV_DIR, raising=False)
    (tmp_path / "n.md").write_text("$$ \\log(a b) = \\log a + \\log b $$\n")
    assert main(["check-doc", "n.md", "--no-cache"]) == 0
    assert not (tmp_path / ".xentsym-cache").exists()
    assert main(["check-doc", "n.md"]) == 0  # the default: ./.xentsym-cache
    assert list((tmp_path / ".xentsym-cache").rglob("*.json"))
    assert main(["check-doc", "n.md", "--cache-dir", "elsewhere"]) == 0
    assert list((tmp_path / "elsewhere").rglob("*.json"))


def _imports_of(path: Path, module: str) -> set[str]:
    """The xentsym modules one source file imports (at any depth of its code)."""
    import ast
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] \
                if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            out |= {name} | {f"{name}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return {m for m in out if m.startswith("xentsym")}


def test_sources_left_out_of_the_key_are_off_the_check_path():
    """What check_step can run (verify, the checkers, the cache and what they import) never
    reaches a source the key leaves out; the package's IPython display hook is the one edge
    skipped (it registers renderers in a notebook, it checks nothing)."""
    package = ROOT / "xentsym"
    modules = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    seen, todo = set(), ["xentsym.verify", "xentsym.cache", "xentsym.check.worker"]
    while todo:
        name = todo.pop()
        if name in seen or name not in modules:
            continue
        seen.add(name)
        todo += [] if name == "xentsym" else sorted(_imports_of(modules[name], name))
        todo += [".".join(name.split(".")[:i]) for i in range(2, name.count(".") + 1)]
    left_out = {n for n in seen if set(modules[n].relative_to(package).parts)
                & C.OFF_THE_CHECK_PATH}
    assert "xentsym.check.numeric" in seen and "xentsym.rules" in seen
    assert not left_out


def test_one_dummy_in_two_sides_is_not_two_dummies():
    # Numbered once over the whole key: f(t) = g(t) and f(t) = g(u) are different steps.
    t, u = sp.Dummy("t", positive=True), sp.Dummy("t", positive=True)
    scope = Scope([Declaration(beta, PROBABILITY)])

    def step(after):
        d = Derivation("dummies", "a free dummy", sp.log(beta * t))
        d.claim(after, "the log of a product")
        return d.steps[0]
    same, other = step(sp.log(beta) + sp.log(t)), step(sp.log(beta) + sp.log(u))
    assert _key(same, scope) != _key(other, scope)
    assert _key(same, scope) == _key(step(sp.log(beta) + sp.log(t)), scope)


def test_a_numeric_check_out_of_memory_is_not_kept(folder, monkeypatch):
    # how much memory a machine has is no verdict: the step is checked again next time
    from xentsym import verify as V
    from xentsym.check import numeric
    from xentsym.check.result import NumericResult
    from xentsym.check.worker import Worker
    monkeypatch.setattr(V, "numeric_task", lambda *a: NumericResult(
        "failed", 0, None, numeric.OUT_OF_MEMORY))
    step = _power(2 * sp.log(beta)).steps[0]
    scope = Scope([Declaration(beta, PROBABILITY)])
    with Worker() as worker:
        result = check_step(step, scope, Options(samples=100, cache=str(folder)), worker)
    assert result.status == "unproven" and not result.settled
    assert not list(folder.rglob("*.json"))


def test_the_key_tells_apart_what_srepr_does_and_an_undefined_functions_assumptions():
    from xentsym.cache import _structure
    from xentsym.discover import discover
    sides = [e for d in discover([str(ROOT / "derivations")]) for s in d.steps
             for e in (s.before, s.after)]
    x = sp.Symbol("x")
    sides += [sp.Float(1.0, 15) * x, sp.Float(1.0, 30) * x, sp.Symbol("x", positive=True),
              sp.Function("f")(x), sp.Function("f", positive=True)(x), sp.Dummy("x") + 1]
    seen: dict = {}
    for e in sides:
        seen.setdefault(_structure(e), set()).add(e)
    assert all(len(same) == 1 for same in seen.values())  # one text, one expression
    assert len({sp.srepr(e) for e in sides}) <= len(seen)


def test_a_class_a_script_defines_keys_its_steps_by_the_scripts_bytes(tmp_path):
    # The class enters the key by name and module: the module must change with the script,
    # or an edited class would get the verdict of the old one from the step cache.
    import subprocess
    import sys
    script = tmp_path / "scripts" / "own.py"
    script.parent.mkdir()
    body = '''
import sympy as sp
from xentsym import Derivation
from xentsym.notation import beta

class g(sp.Function):
    def fdiff(self, argindex=1):
        return FACTOR * self.args[0]

d = Derivation("own-function", "a function of the script's own", sp.Derivative(g(beta), beta))
d.claim(2 * beta, "its derivative")
'''
    verdicts = []
    for factor in (2, 3):
        script.write_text(body.replace("FACTOR", str(factor)))
        # the run cache would notice the edit by itself: only the step cache is asked here
        shutil.rmtree(tmp_path / "cache" / "runs", ignore_errors=True)
        out = subprocess.run([sys.executable, "-m", "xentsym", "verify", str(script.parent),
                              "--cache-dir", str(tmp_path / "cache"), "--samples", "200",
                              "--format", "json"], capture_output=True, text=True, cwd=tmp_path)
        (d,) = json.loads(out.stdout)["derivations"]
        verdicts.append(d["status"])
    assert verdicts == ["verified", "refuted"]
