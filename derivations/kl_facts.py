"""The KL divergence of two coins in closed form, and why D_KL(p||q) = 0 only when p = q."""
import sympy as sp

from xentsym import Derivation
from xentsym import rules as R
from xentsym.domains import PROBABILITY
from xentsym.functions import BinaryKL, KLDivergence, LogGap
from xentsym.notation import LECTURE, Declaration, i, n, p, q
from xentsym.relations import AT_MOST

Sum, log, sqrt = sp.Sum, sp.log, sp.sqrt
a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
COINS = LECTURE.extended([Declaration(a, PROBABILITY, meaning="P(heads) of the first coin"),
                          Declaration(b, PROBABILITY, meaning="P(heads) of the second coin")])

bernoulli_kl = Derivation(
    "bernoulli-kl", "The KL divergence between two Bernoulli distributions",
    KLDivergence(p, q), scope=COINS, title_zh="两个伯努利分布之间的 KL 散度",
    description="p = (a, 1 - a) and q = (b, 1 - b): two outcomes, heads first.")
(bernoulli_kl
 .apply(R.UNFOLD)
 .apply(R.specialise({n: 2}, "a coin has two outcomes", "硬币只有两种结果"))
 .apply(R.specialise({p[1]: a, p[2]: 1 - a, q[1]: b, q[2]: 1 - b},
                     "heads has probability a under p and b under q",
                     "正面的概率在 p 下为 a，在 q 下为 b"))
 .claim(BinaryKL(a, b), "a log(a/b) + (1 - a) log((1 - a)/(1 - b))",
        "a log(a/b) + (1 - a) log((1 - a)/(1 - b))"))

# The "only if" half of Gibbs' equality case, through a bound whose right side is 0
# exactly when p = q: D_KL(p||q) >= sum_i (sqrt(q_i) - sqrt(p_i))^2.
gibbs_equality = Derivation(
    "gibbs-equality", "D_KL(p||q) = 0 only when p = q",
    Sum((sqrt(q[i]) - sqrt(p[i])) ** 2, (i, 1, n)), title_zh="D_KL(p||q) = 0 仅当 p = q",
    description="The chain shows sum_i (sqrt(q_i) - sqrt(p_i))^2 <= D_KL(p||q). A sum of "
                "squares is 0 only when every square is, so D_KL(p||q) = 0 forces q_i = p_i "
                "for every i; that last sentence is ordinary algebra the engine does not "
                "check.")
(gibbs_equality
 .claim(Sum(p[i] * (sqrt(q[i] / p[i]) - 1) ** 2, (i, 1, n)), "take p_i out of each square",
        "从每个平方中提出 p_i")
 .claim(Sum(q[i] - p[i] + p[i] * log(p[i] / q[i]), (i, 1, n)),
        "log s <= s - 1 at s = sqrt(q_i / p_i), times 2 p_i",
        "在 s = sqrt(q_i / p_i) 处用 log s <= s - 1，乘以 2 p_i",
        relation=AT_MOST,
        certificate=Sum(2 * p[i] * LogGap(sqrt(q[i] / p[i])), (i, 1, n)))
 .claim(KLDivergence(p, q), "both distributions sum to 1", "两个分布之和都为 1"))
