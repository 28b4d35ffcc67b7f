"""Why cross-entropy trains well: its gradient through sigmoid or softmax is yhat - y."""
import sympy as sp

from xentsym import Derivation
from xentsym import rules as R
from xentsym import sumrules as S
from xentsym.domains import INDEX, ONE_HOT, REAL
from xentsym.functions import BinaryCrossEntropy, Sigmoid
from xentsym.notation import LECTURE, Declaration, K, Y, index

z = sp.Symbol("z", real=True)  # the logit of one sample
logits = sp.IndexedBase(sp.Symbol("z", real=True), real=True)  # z_1 .. z_K
label = sp.IndexedBase(sp.Symbol("t", real=True))  # a one-hot label over K classes
k, c, m = index("k"), index("c"), index("m")
SCOPE = LECTURE.extended([
    Declaration(z, REAL, meaning="logit"),
    Declaration(logits, REAL, (K,), "logits of the K classes"),
    Declaration(label, ONE_HOT, (K,), "one-hot label over the K classes"),
    Declaration(k, INDEX, (K,), "a class"),
])

sigmoid_gradient = Derivation(
    "sigmoid-bce-gradient", "The gradient of the binary cross-entropy through a sigmoid",
    sp.Derivative(BinaryCrossEntropy(Y, Sigmoid(z)), z), scope=SCOPE,
    title_zh="经过 sigmoid 的二分类交叉熵的梯度",
    description="One sample with label Y and logit z; the prediction is sigma(z).")
sigmoid_gradient.claim(Sigmoid(z) - Y, "chain rule; sigma' = sigma (1 - sigma)",
                       "链式法则；sigma' = sigma (1 - sigma)")

total = sp.Sum(sp.exp(logits[m]), (m, 1, K))  # the softmax denominator
loss = -sp.Sum(label[c] * sp.log(sp.exp(logits[c]) / total), (c, 1, K))

softmax_gradient = Derivation(
    "softmax-ce-gradient", "The gradient of the multiclass cross-entropy through a softmax",
    sp.Derivative(loss, logits[k]), scope=SCOPE,
    title_zh="经过 softmax 的多分类交叉熵的梯度",
    description="K classes with logits z_c and a one-hot label t; any class k.")
(softmax_gradient
 .apply(R.LOG_QUOTIENT)
 .apply(R.DISTRIBUTE)
 .apply(R.SPLIT_SUM)
 .apply(R.PULL_CONSTANT)
 .claim(sp.Derivative(sp.log(total) - sp.Sum(label[c] * logits[c], (c, 1, K)), logits[k]),
        "the one-hot labels sum to 1", "独热标签之和为 1")
 .apply(S.DIFFERENTIATE_UNDER_SUM)
 .apply(S.chain_rule_through(total))
 .apply(S.ENTRY_DERIVATIVE)
 .apply(S.KRONECKER_SUM))
