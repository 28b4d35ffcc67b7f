"""Logistic regression with d features: the gradient and the Hessian of the mean
cross-entropy for any weight w_j, and the squared-error gradient for contrast."""
import sympy as sp

from xentsym import Derivation
from xentsym import sumrules as S
from xentsym.domains import INDEX, LABEL, REAL, SIZE
from xentsym.functions import Sigmoid
from xentsym.notation import LECTURE, Declaration, N, index

i, j, l, m = index("i"), index("j"), index("l"), index("m")
d = sp.Symbol("d", integer=True, positive=True)  # number of features
w = sp.IndexedBase(sp.Symbol("w", real=True), real=True)  # weights w_1 .. w_d
x = sp.IndexedBase(sp.Symbol("x", real=True), real=True)  # features x_{i,m}
y = sp.IndexedBase(sp.Symbol("y", real=True), real=True)  # labels y_i
SCOPE = LECTURE.extended([
    Declaration(d, SIZE, meaning="number of features"),
    Declaration(j, INDEX, (d,), "a feature"),
    Declaration(l, INDEX, (d,), "a second feature"),
    Declaration(w, REAL, (d,), "weights"),
    Declaration(x, REAL, (N, d), "feature m of sample i"),
    Declaration(y, LABEL, (N,), "label of sample i"),
])
SCALED = LECTURE.extended([*SCOPE, Declaration(y, REAL, (N,), "target of sample i")])

z = sp.Sum(w[m] * x[i, m], (m, 1, d))  # the logit of sample i
s = Sigmoid(z)  # the predicted probability of sample i
loss = -sp.Sum(y[i] * sp.log(s) + (1 - y[i]) * sp.log(1 - s), (i, 1, N)) / N
gradient = sp.Sum((s - y[i]) * x[i, j], (i, 1, N)) / N


def through(derivation: Derivation, inner) -> Derivation:
    """The four moves of a gradient through a linear model: under the sums, the chain
    rule through ``inner``, the entries' derivatives, the Kronecker deltas summed out."""
    for rule in (S.DIFFERENTIATE_UNDER_SUM, S.chain_rule_through(inner), S.ENTRY_DERIVATIVE,
                 S.KRONECKER_SUM):
        derivation.apply(rule)
    return derivation


logistic_gradient = Derivation(
    "logistic-regression-gradient", "The gradient of the logistic-regression loss",
    sp.Derivative(loss, w[j]), scope=SCOPE, title_zh="逻辑回归损失的梯度",
    description="Mean binary cross-entropy over N samples with d features; sample i has "
                "logit z_i = sum_m w_m x_{i,m} and prediction sigma(z_i); any weight w_j.")
(through(logistic_gradient, z)
 .claim(gradient, "y (1 - sigma) - (1 - y) sigma = y - sigma",
        "y (1 - sigma) - (1 - y) sigma = y - sigma"))

logistic_hessian = Derivation(
    "logistic-regression-hessian", "The Hessian of the logistic-regression loss",
    sp.Derivative(gradient, w[l]), scope=SCOPE, title_zh="逻辑回归损失的 Hessian 矩阵",
    description="Entry (j, l): the gradient by w_j (logistic-regression-gradient) "
                "differentiated once more, by w_l.")
through(logistic_hessian, z)

squared_error_gradient = Derivation(
    "squared-error-gradient", "The gradient of the squared error of a linear model",
    sp.Derivative(sp.Sum((z - y[i]) ** 2, (i, 1, N)) / (2 * N), w[j]), scope=SCALED,
    title_zh="线性模型平方误差的梯度",
    description="For contrast with the cross-entropy: the residual z_i - y_i takes the "
                "place of sigma(z_i) - y_i, with no sigmoid to flatten it.")
(through(squared_error_gradient, z - y[i])
 .claim(sp.Sum((z - y[i]) * x[i, j], (i, 1, N)) / N, "the 2 cancels the 1/2", "2 与 1/2 相消"))
