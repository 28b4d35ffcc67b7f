"""The Bernoulli distribution is the binomial distribution with one trial."""
import sympy as sp

from xentsym import Derivation, formulas
from xentsym import rules as R
from xentsym.notation import LECTURE, p_success, x
from xentsym.domains import SIZE
from xentsym.notation import Declaration

m = sp.Symbol("m", integer=True, positive=True)  # number of trials
SCOPE = LECTURE.extended([Declaration(m, SIZE, meaning="number of trials")])

bernoulli_is_binomial = Derivation(
    "bernoulli-is-binomial", "Bernoulli is Binomial(1, p)",
    sp.binomial(m, x) * p_success**x * (1 - p_success)**(m - x), scope=SCOPE,
    title_zh="伯努利分布是 n = 1 的二项分布",
    description="In the sense that their probability mass functions agree on x in {0, 1}.")
(bernoulli_is_binomial
 .apply(R.specialise({m: 1}, "one trial", "一次试验"))
 .claim(formulas.get("bernoulli_pmf_power").expr, "C(1, x) = 1 for x in {0, 1}",
        "x 取 0 或 1 时 C(1, x) = 1"))
