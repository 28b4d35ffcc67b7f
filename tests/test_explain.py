"""Explanations of verified steps: chains of named rules, each link checked, matching the
hand-written derivation scripts; no chain is reported with a step that is not verified."""
from __future__ import annotations

import argparse
import io
import json
import types
from pathlib import Path

import pytest
import sympy as sp

from xentsym import explain as X
from xentsym import explain_command as C
from xentsym import rules as R
from xentsym.discover import discover
from xentsym.errors import XentsymError
from xentsym.functions import Entropy, KLDivergence
from xentsym.notation import N, i, n, p, q, y, yhat
from xentsym.relations import SAME_OPTIMUM, SWITCH_SENSE
from xentsym.verify import Options

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT.parent / "shared" / "lecture" / "cross-entropy-lecture.md"
OPTIONS = Options(samples=300, seed=0, timeout=20)
needs_lecture = pytest.mark.skipif(not LECTURE.exists(), reason="the shared lecture is absent")


def line_of(fragment: str, nth: int = 0) -> int:
    """The line of the lecture holding ``fragment`` (its ``nth`` occurrence)."""
    lines = [k for k, text in enumerate(LECTURE.read_text(encoding="utf-8").splitlines(), 1)
             if fragment in text]
    return lines[nth]


def script_rules(name: str) -> list[str]:
    """The rule names of a derivation script in derivations/, as its author applied them."""
    (d,) = discover([str(ROOT / "derivations")], only=name)
    return [s.rule for s in d.steps]


@pytest.fixture(scope="module")
def lecture():
    """check-doc's rows of the whole lecture with an attempt for each verified one."""
    if not LECTURE.exists():
        pytest.skip("the shared lecture is absent")
    report, found = X.explain_all(str(LECTURE), OPTIONS)
    return found


def explained_on(found, line: int) -> list:
    out = [(row, a) for row, a in found if row.line == line and row.status == "verified"]
    assert out, f"no verified step on line {line}"
    return out


def rules_on(found, line: int) -> list[str]:
    rows = explained_on(found, line)
    for row, a in rows:
        assert a.explanation is not None, (row.step, a.reason)
    return [r for _, a in rows for r in a.explanation.rules]


def assert_linked(e, claim_lhs=None):
    """Every step verified, each starting where the previous one ended."""
    assert e.results and all(r.status == "verified" for r in e.results)
    assert len(e.results) == len(e.steps)
    assert e.steps[0].before == e.start
    for a, b in zip(e.steps, e.steps[1:]):
        assert b.before == a.after


# --------------------------------------------------------------------------- the lecture

@needs_lecture
def test_kl_split_matches_the_script(lecture):
    line = line_of(r"\begin{aligned} D_{KL}(p||q) &=")
    found = rules_on(lecture, line)
    script = script_rules("kl-split")
    # The lecture stops at -H(p) + [cross-entropy written out]: the script's first six moves.
    assert found == script[:6]
    assert script[:6] == ["definition", "log-quotient", "distribute", "split-sum",
                          "pull-constant", "fold-Entropy"]
    for _, a in explained_on(lecture, line):
        assert_linked(a.explanation)


@needs_lecture
def test_bernoulli_log_likelihood_matches_the_script(lecture):
    line = line_of(r"\mathcal{L}(\theta; X, D) &= \log \prod")
    assert rules_on(lecture, line) == script_rules("bernoulli-log-likelihood")
    rows = explained_on(lecture, line)
    assert [row.step for row, _ in rows] == [2, 3, 4]  # step 1 defines L
    # each document step is one rule: the right side of the chain is the document's own
    for row, a in rows:
        assert len(a.explanation.steps) == 1


@needs_lecture
def test_mean_and_sign_dropping_match_the_script(lecture):
    mean = line_of(r"$$J(w) = - \sum_{n=1}^N")
    sign = line_of(r"$$J(w) = \sum_{n=1}^N")
    assert rules_on(lecture, mean) + rules_on(lecture, sign) == \
        script_rules("drop-mean-and-sign")
    (_, a), = explained_on(lecture, mean)
    step = a.explanation.steps[0]
    assert step.relation == SAME_OPTIMUM and step.subject == (1 / N,)
    (_, b), = explained_on(lecture, sign)
    assert b.explanation.steps[0].relation == SWITCH_SENSE


@needs_lecture
def test_arg_max_to_cross_entropy_uses_the_scripts_moves(lecture):
    line = line_of(r"\theta_p &= \arg \max_{\theta}")
    found = rules_on(lecture, line)
    assert found == script_rules("mle-to-cross-entropy")[1:]  # the document omits `define`
    block = X.join([a.explanation for _, a in explained_on(lecture, line)]).latex()
    assert r"\arg\max_{\theta}" in block and r"\arg\min_{\theta}" in block


@needs_lecture
def test_a_verified_step_without_a_chain_says_so(lecture):
    # J(w) = -1/N sum ... restated after J(w) = sum ...: true (sign and scale), but no rule
    # multiplies by 1/N, so there is no chain.
    line = line_of(r"$$J(w) = -\frac{1}{N}", nth=1)
    (row, a), = explained_on(lecture, line)
    assert a.explanation is None
    assert a.reason == X.NO_CHAIN.format(X.BUDGET)
    assert a.applications <= X.BUDGET
    assert X.explain_document_step(str(LECTURE), line, OPTIONS) is None


@needs_lecture
def test_document_step_api_joins_the_steps_of_a_line():
    line = line_of(r"\begin{aligned} D_{KL}(p||q) &=")
    e = X.explain_document_step(str(LECTURE), line, OPTIONS)
    assert isinstance(e.start, KLDivergence) and str(e.start) == "KLDivergence(p, q)"
    assert e.rules[-1] == "fold-Entropy" and [s.index for s in e.steps] == list(range(1, 7))
    assert_linked(e)


# --------------------------------------------------------------------------- the Python API

KL_SPLIT_RHS = sp.Sum(p[i] * sp.log(p[i]), (i, 1, n)) - sp.Sum(p[i] * sp.log(q[i]), (i, 1, n))


def test_python_api_and_determinism():
    first = X.attempt(KLDivergence(p, q), KL_SPLIT_RHS, options=OPTIONS)
    again = X.attempt(KLDivergence(p, q), KL_SPLIT_RHS, options=OPTIONS)
    assert first.explanation.rules == again.explanation.rules
    assert first.applications == again.applications  # counted, not timed
    assert first.explanation.steps[-1].after == KL_SPLIT_RHS
    assert_linked(first.explanation)


def test_optimiser_chain_from_python():
    body = sp.Sum(y[i] * sp.log(yhat[i]) + (1 - y[i]) * sp.log(1 - yhat[i]), (i, 1, N))
    e = X.explain(-body / N, body, relation=SWITCH_SENSE, wrt=(yhat,), sense="max",
                  options=OPTIONS)
    assert e.rules == ["drop-positive-factor", "negate"]
    assert [s.sense for s in e.steps] == ["min", "max"] and e.start_sense == "min"


def test_no_chain_within_the_budget():
    # true (D_KL(p || p) = 0), but no rule of the table brings in a divergence
    a = X.attempt(Entropy(p), KLDivergence(p, p) + Entropy(p), budget=30, options=OPTIONS)
    assert a.explanation is None and a.reason == X.NO_CHAIN.format(30)
    assert a.applications == 30


def test_a_chain_with_a_step_that_is_not_verified_is_never_reported(monkeypatch):
    real = X.check_step
    checked = []

    def refute_distribute(step, scope, options, worker):
        checked.append(step.rule)
        if step.rule == "distribute":
            return types.SimpleNamespace(status="refuted", reason="counterexample (planted)")
        return real(step, scope, options, worker)
    monkeypatch.setattr(X, "check_step", refute_distribute)
    a = X.attempt(KLDivergence(p, q), KL_SPLIT_RHS, options=OPTIONS)
    assert "distribute" in checked  # the first chain was tried and dropped
    assert a.rejected and "distribute" in a.rejected[0]
    if a.explanation is not None:  # another chain may exist; it never holds the refuted step
        assert "distribute" not in a.explanation.rules
        assert_linked(a.explanation)
    else:
        assert a.reason.startswith(X.NO_CHAIN.format(X.BUDGET))


def test_every_check_refuted_gives_no_explanation(monkeypatch):
    monkeypatch.setattr(X, "check_step", lambda *args: types.SimpleNamespace(
        status="unproven", reason="planted"))
    a = X.attempt(KLDivergence(p, q), KL_SPLIT_RHS, options=OPTIONS)
    assert a.explanation is None and "not verified" in a.reason


# --------------------------------------------------------------------------- output

def test_latex_text_json_in_english_and_chinese():
    e = X.explain(KLDivergence(p, q), KL_SPLIT_RHS, options=OPTIONS)
    en, zh = e.latex("en"), e.latex("zh")
    for block in (en, zh):
        assert block.startswith(r"\begin{align*}") and block.endswith(r"\end{align*}")
        assert block.count(r"\tag*") == len(e.steps) and block.count(r"\\") == len(e.steps) - 1
    assert "log of a quotient" in en and "split the sum" in en
    assert R.LOG_QUOTIENT.text_zh in zh and "对数的除法法则" in zh and "拆分求和" in zh
    assert "log of a quotient" not in zh
    text = e.text("zh").splitlines()
    assert len(text) == len(e.steps) + 1 and "[log-quotient]" in text[2]
    data = json.loads(json.dumps(e.to_json()))
    assert data["rules"] == e.rules and data["steps"][1]["text_zh"] == "对数的除法法则"
    assert all(s["status"] == "verified" for s in data["steps"])
    assert "<math" in e.html("zh") and "对数的除法法则" in e.html("zh")


def _run(argv):
    ap = argparse.ArgumentParser()
    C.add_arguments(ap)
    out = io.StringIO()
    return C.run(ap.parse_args(argv), out), out.getvalue()


@needs_lecture
def test_command_formats_and_exit_codes():
    line = line_of(r"\mathcal{L}(\theta; X, D) &= \log \prod")
    code, out = _run([f"{LECTURE}:{line}", "--samples", "300", "--lang", "zh"])
    assert code == 0 and out.count(r"\begin{align*}") == 1  # steps 2-4 in one block
    assert "step 2-4: log-of-product > log-product > log-power" in out and "对数的幂法则" in out
    code, out = _run([f"{LECTURE}:{line}", "--format", "json", "--step", "3",
                      "--samples", "300"])
    (row,) = json.loads(out)
    assert code == 0 and row["explanation"]["rules"] == ["log-product"]
    none = line_of(r"$$J(w) = -\frac{1}{N}", nth=1)
    code, out = _run([f"{LECTURE}:{none}", "--format", "text", "--samples", "300"])
    assert code == 1 and X.NO_CHAIN.format(X.BUDGET) in out


@needs_lecture
def test_bad_locations_are_one_line_errors():
    with pytest.raises(XentsymError, match="expected FILE:LINE"):
        C.where("notes.md")
    with pytest.raises(XentsymError) as exc:
        X.explain_document(str(LECTURE), 1, OPTIONS)
    assert exc.value.line == 1 and "no step of a chain on this line" in exc.value.message
    assert exc.value.one_line().startswith(f"{LECTURE}:1: error:")


@needs_lecture
def test_check_doc_explain_puts_each_chain_under_its_step():
    ns = argparse.Namespace(paths=[str(LECTURE)], samples=300, seed=0, timeout=20.0,
                            format="text")
    out = io.StringIO()
    code = C.check_doc(ns, out)
    lines = out.getvalue().splitlines()
    assert code == 1  # the lecture has unproven steps; --explain changes no verdict
    kl = line_of(r"\begin{aligned} D_{KL}(p||q) &=")
    at = lines.index(f"{LECTURE}:{kl}: chain 8 step 1 verified")
    assert lines[at + 1].startswith("    assuming")
    assert lines[at + 2] == ("    explained: definition > log-quotient > distribute > "
                             "split-sum > pull-constant")
    assert sum(x.startswith("    explained: no, the two sides are the same") for x in lines) > 0
    ns.format = "json"
    out = io.StringIO()
    C.check_doc(ns, out)
    steps = json.loads(out.getvalue())["steps"]
    assert {s["explained"] for s in steps if s["status"] != "verified"} == {False}
    assert [s["explanation"]["rules"] for s in steps if s["line"] == kl][1] == ["fold-Entropy"]
