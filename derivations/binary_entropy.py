"""Entropy specialised to two outcomes is the binary entropy."""
import sympy as sp

from xentsym import Derivation, formulas
from xentsym import rules as R
from xentsym.notation import n, p

binary_entropy = Derivation(
    "binary-entropy", "Entropy of a coin: two outcomes",
    formulas.get("entropy").expr, title_zh="两种结果时的熵")
(binary_entropy
 .apply(R.specialise({n: 2}, "a coin has two outcomes", "硬币只有两种结果"))
 .claim(-p[1] * sp.log(p[1]) - (1 - p[1]) * sp.log(1 - p[1]),
        "the two probabilities add up to 1: p(x_2) = 1 - p(x_1)",
        "两个概率之和为 1：p(x_2) = 1 - p(x_1)"))
