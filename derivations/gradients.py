"""Why cross-entropy trains well: its gradient through sigmoid or softmax is yhat - y."""
import sympy as sp

from xentsym import Derivation
from xentsym.domains import ONE_HOT, REAL
from xentsym.functions import BinaryCrossEntropy, Sigmoid
from xentsym.notation import LECTURE, Declaration, Y

z = sp.Symbol("z", real=True)  # the logit of one sample
logits = sp.IndexedBase(sp.Symbol("z", real=True), real=True)  # z_1, z_2, z_3
label = sp.IndexedBase(sp.Symbol("t", real=True))  # a one-hot label over 3 classes
CLASSES = 3
SCOPE = LECTURE.extended([
    Declaration(z, REAL, meaning="logit"),
    Declaration(logits, REAL, (CLASSES,), "logits of three classes"),
    Declaration(label, ONE_HOT, (CLASSES,), "one-hot label over three classes"),
])

sigmoid_gradient = Derivation(
    "sigmoid-bce-gradient", "The gradient of the binary cross-entropy through a sigmoid",
    sp.Derivative(BinaryCrossEntropy(Y, Sigmoid(z)), z), scope=SCOPE,
    title_zh="经过 sigmoid 的二分类交叉熵的梯度",
    description="One sample with label Y and logit z; the prediction is sigma(z).")
sigmoid_gradient.claim(Sigmoid(z) - Y, "chain rule; sigma' = sigma (1 - sigma)",
                       "链式法则；sigma' = sigma (1 - sigma)")


def _softmax(m):
    return sp.exp(logits[m]) / sp.Add(*[sp.exp(logits[j]) for j in range(1, CLASSES + 1)])


_loss = -sp.Add(*[label[j] * sp.log(_softmax(j)) for j in range(1, CLASSES + 1)])

softmax_gradient = Derivation(
    "softmax-ce-gradient", "The gradient of the multiclass cross-entropy through a softmax",
    sp.Derivative(_loss, logits[1]), scope=SCOPE,
    title_zh="经过 softmax 的多分类交叉熵的梯度",
    description="Three classes, first component; the other components follow by symmetry.")
softmax_gradient.claim(_softmax(1) - label[1],
                       "differentiate each log-softmax term; the one-hot labels sum to 1",
                       "对每个 log-softmax 项求导；独热标签之和为 1")
