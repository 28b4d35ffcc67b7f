"""With a one-hot label the cross-entropy keeps one term: -sum_c t_c log q_c = -log q_k.

The classes are the n outcomes of the lecture's predicted distribution q."""
import sympy as sp

from xentsym import Derivation
from xentsym import rules as R
from xentsym import sumrules as S
from xentsym.domains import INDEX, ONE_HOT
from xentsym.notation import LECTURE, Declaration, index, n, q

c, k = index("c"), index("k")
t = sp.IndexedBase(sp.Symbol("t", real=True))  # the one-hot label
SCOPE = LECTURE.extended([
    Declaration(t, ONE_HOT, (n,), "one-hot label"),
    Declaration(k, INDEX, (n,), "the true class"),
])

one_hot_cross_entropy = Derivation(
    "one-hot-cross-entropy", "With a one-hot label, cross-entropy is -log of one probability",
    -sp.Sum(t[c] * sp.log(q[c]), (c, 1, n)), scope=SCOPE,
    title_zh="独热标签下交叉熵只剩一项", description="The label is 1 at the true class k.")
(one_hot_cross_entropy
 .apply(R.specialise({t[c]: sp.KroneckerDelta(c, k)}, "the label is one-hot at class k",
                     "标签在第 k 类为 1"))
 .apply(S.KRONECKER_SUM))
