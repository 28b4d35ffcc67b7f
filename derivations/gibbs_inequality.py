"""Gibbs' inequality: D_KL(p||q) >= 0, from log t <= t - 1; hence H(p, q) >= H(p)."""
import sympy as sp

from xentsym import Derivation
from xentsym import rules as R
from xentsym.functions import CrossEntropy, Entropy, KLDivergence
from xentsym.notation import i, n, p, q
from xentsym.relations import AT_MOST

Sum, log = sp.Sum, sp.log

gibbs_inequality = Derivation(
    "gibbs-inequality", "Gibbs' inequality: the KL divergence is never negative",
    -KLDivergence(p, q), title_zh="吉布斯不等式：KL 散度非负",
    description="Bound -D_KL(p||q) above by 0; equality needs q(x_i)/p(x_i) = 1 for every i.")
(gibbs_inequality
 .claim(Sum(p[i] * log(q[i] / p[i]), (i, 1, n)), "by definition, with -log(a/b) = log(b/a)",
        "由定义，-log(a/b) = log(b/a)")
 .apply(R.LOG_BOUND)
 .apply(R.DISTRIBUTE)
 .apply(R.SPLIT_SUM)
 .claim(sp.Integer(0), "both distributions sum to 1", "两个分布之和都为 1"))

cross_entropy_bound = Derivation(
    "cross-entropy-at-least-entropy", "The cross-entropy is at least the entropy",
    Entropy(p), title_zh="交叉熵不小于熵")
(cross_entropy_bound
 .claim(CrossEntropy(p, q) - KLDivergence(p, q), "the KL split, read backwards",
        "KL 散度拆分的逆用")
 .claim(CrossEntropy(p, q), "Gibbs' inequality: D_KL(p||q) >= 0", "吉布斯不等式",
        relation=AT_MOST, certificate=KLDivergence(p, q)))

kl_of_p_with_itself = Derivation(
    "kl-zero-at-equality", "The KL divergence of a distribution from itself is 0",
    KLDivergence(p, q), title_zh="分布与自身的 KL 散度为 0")
(kl_of_p_with_itself
 .apply(R.specialise({q: p}, "take q = p", "取 q = p"))
 .claim(sp.Integer(0), "log 1 = 0", "log 1 = 0"))
