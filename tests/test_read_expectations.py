"""Expectations over a finite law: read as the weighted sum, checked end to end."""
from __future__ import annotations

import pytest
import sympy as sp

from xentsym.checkdoc import check_document
from xentsym.errors import ParseError
from xentsym.parse import parse
from xentsym.read.lecture_preset import PLAIN_NAMES
from xentsym.verify import Options

x = sp.Symbol("x", integer=True)
n = PLAIN_NAMES.scalars["n"]
p, q = PLAIN_NAMES.sample_families["p"], PLAIN_NAMES.sample_families["q"]
P = PLAIN_NAMES.distributions["P"]
f = sp.Function("f", real=True)


def E(weight, body):
    """sum_x weight(x) body(x), the meaning of E_{x ~ weight}[body]."""
    return sp.Sum(weight[x] * body, (x, 1, n))


@pytest.mark.parametrize("src, want", [
    (r"\mathbb{E}_{x \sim p}[f(x)]", E(p, f(x))),
    (r"\mathbb{E}_{x\sim p(x)}\left[-\log q(x)\right]", E(p, -sp.log(q[x]))),
    (r"\mathbb{E}_{X \sim P}[f(X)]", E(P, f(x))),
    (r"E_{x\sim P}[\,\log q(x)\,]", E(P, sp.log(q[x]))),
    (r"\mathbb{E}_p[\log p(x)]", E(p, sp.log(p[x]))),
    (r"\mathbb{E}_{p}\left[f(x) + 1\right]", E(p, f(x) + 1)),
    (r"\mathbb{E}[-\log p(X)]", E(p, -sp.log(p[x]))),
    (r"\operatorname{\mathbb{E}}_p[f(x)]", E(p, f(x))),
    (r"\mathop{\mathbb{E}}_{x \sim q}\big[f(x)\big]", E(q, f(x))),
    (r"\operatorname{E}_{x \sim p}(f(x))", E(p, f(x))),
    (r"2 \, \mathbb{E}_p[f(x)] + 3", 2 * E(p, f(x)) + 3),
    (r"\mathbb{E}_{k \sim p}[f(k)]", E(p, f(x))),  # the name of the variable is free
])
def test_an_expectation_is_the_weighted_sum(src, want):
    assert parse(src, plain=True) == want


def test_an_expectation_under_a_bernoulli_law():
    theta, phi = sp.symbols("theta phi", real=True)
    got = parse(r"E_{X \sim \mathrm{Bern}(\theta)}\left[\phi^{X} (1 - \phi)^{1 - X}\right]",
                plain=True)
    assert sp.simplify(got - (theta * phi + (1 - theta) * (1 - phi))) == 0


@pytest.mark.parametrize("src, why", [
    (r"\mathbb{E}_{(x,y)\sim D}[f(x)]", "several variables or a continuous law"),
    (r"\mathbb{E}_{x\sim D}[f(x)]", "finite distribution p, q, P or Q"),
    (r"\mathbb{E}[-\log q(X)]", "names the law of its random variable"),  # X ~ ? unknown
    (r"\mathbb{E}[X]", "names the law of its random variable"),
    (r"\mathbb{E}_p[\log p(x) + \log p(y)]", "cannot tell the variable"),
    (r"\mathbb{E}_p[f(c)]", "cannot tell the variable"),  # f(c) may be a constant
    (r"\mathbb{E}_p \log p(x)", "in brackets"),
    (r"\mathbb{E}_{x \sim p}\big[\mathbb{1}[x = k]\big]", "indicators"),
    (r"\mathbb{E}_{X \sim p}[f(X) + x]", "also uses x"),
])
def test_what_is_not_a_finite_expectation_is_a_located_error(src, why):
    with pytest.raises(ParseError, match=why.replace("(", r"\(").replace(")", r"\)")):
        parse(src, plain=True)


def test_a_bare_E_without_a_law_stays_a_name():
    assert not parse(r"E_i + E", plain=True).has(sp.Sum)


DOC = r"""# Expectations

$p$ and $q$ are distributions on a finite set, $X$ has law $p$.

$$\mathbb{E}_{x \sim p}\left[-\log q(x)\right] = -\sum_{x} p(x) \log q(x)$$

$$\mathbb{E}_{x \sim p}\left[-\log q(x)\right] = -\sum_{x} q(x) \log p(x)$$

$$\mathbb{E}_p\left[\log \frac{p(x)}{q(x)}\right] = \mathbb{E}_p[\log p(x)] - \mathbb{E}_p[\log q(x)]$$

$$\mathbb{E}_{x \sim q}\left[\frac{p(x)}{q(x)} f(x)\right] = \mathbb{E}_{x \sim p}[f(x)]$$

$$\mathbb{E}_{x \sim q}\left[\frac{q(x)}{p(x)} f(x)\right] = \mathbb{E}_{x \sim p}[f(x)]$$

$$\mathbb{E}[-\log p(X)] = H(p)$$

$$\mathbb{E}_p[\log f(x)] = \log \mathbb{E}_p[f(x)]$$

$$\mathbb{E}_p[3 f(x) + 2] = 3 \, \mathbb{E}_p[f(x)] + 2$$

$$\mathbb{E}_p[3 f(x) + 2] = 3 \, \mathbb{E}_p[f(x)] + 3$$

$$E_{X \sim \mathrm{Bern}(\theta)}\left[\log \left(\phi^{X} (1 - \phi)^{1 - X}\right)\right] = \theta \log \phi + (1 - \theta) \log (1 - \phi)$$

$$E_{X \sim \mathrm{Bern}(\theta)}\left[\log \left(\phi^{X} (1 - \phi)^{1 - X}\right)\right] = (1 - \theta) \log \phi + \theta \log (1 - \phi)$$
"""


def test_expectations_are_checked(tmp_path):
    path = tmp_path / "e.md"
    path.write_text(DOC, encoding="utf-8")
    steps = {s.line: s for s in check_document(str(path), Options(samples=300)).steps}
    assert sorted(steps) == list(range(5, 27, 2))
    for line in (5, 9, 11, 15, 19, 23):
        assert steps[line].status == "verified", line
    # false: refuted, or (for an f the document leaves open) shown false by a witness
    for line in (7, 13, 17, 21, 25):
        assert steps[line].status != "verified", line
        assert "counterexample" in steps[line].message, line
