"""Facts about information and entropy: uniform is the maximum, a coin peaks at 1/2, I adds."""
import sympy as sp

from xentsym import Derivation, formulas
from xentsym import rules as R
from xentsym.domains import PROBABILITY
from xentsym.functions import InformationContent
from xentsym.notation import LECTURE, Declaration, i, n, p, p_success

Sum, log = sp.Sum, sp.log

uniform_entropy = Derivation(
    "uniform-entropy", "The uniform distribution on n outcomes has entropy log n",
    formulas.get("entropy").expr, title_zh="n 个结果的均匀分布的熵为 log n")
(uniform_entropy
 .apply(R.specialise({p[i]: 1 / n}, "every outcome has probability 1/n",
                     "每个结果的概率都是 1/n"))
 .claim(log(n), "n equal terms", "n 个相同的项"))

entropy_maximum = Derivation(
    "entropy-maximum", "No distribution on n outcomes has more entropy than log n",
    formulas.get("entropy").expr, title_zh="n 个结果的分布的熵不超过 log n")
(entropy_maximum
 .claim(log(n) + Sum(p[i] * log(1 / (n * p[i])), (i, 1, n)),
        "add and subtract log n; the p(x_i) sum to 1", "加减 log n；p(x_i) 之和为 1")
 .apply(R.LOG_BOUND)
 .claim(log(n), "the 1/n and the p(x_i) both sum to 1", "1/n 与 p(x_i) 之和都为 1"))

binary_entropy_peak = Derivation(
    "binary-entropy-peak", "The binary entropy is flat at p = 1/2",
    sp.Derivative(formulas.get("binary_entropy").expr, p_success),
    title_zh="二元熵在 p = 1/2 处导数为 0")
(binary_entropy_peak
 .claim(log(1 - p_success) - log(p_success), "differentiate", "求导")
 .apply(R.specialise({p_success: sp.Rational(1, 2)}, "take p = 1/2", "取 p = 1/2"))
 .claim(sp.Integer(0), "log(1/2) - log(1/2) = 0", "log(1/2) - log(1/2) = 0"))

a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
TWO_EVENTS = LECTURE.extended([Declaration(a, PROBABILITY, meaning="probability of event A"),
                               Declaration(b, PROBABILITY, meaning="probability of event B")])

information_adds = Derivation(
    "information-adds", "Information content of independent events adds up",
    InformationContent(a * b), scope=TWO_EVENTS, title_zh="独立事件的信息量相加",
    description="Independent events A and B happen together with probability a b.")
(information_adds
 .apply(R.UNFOLD)
 .apply(R.LOG_PRODUCT)
 .claim(InformationContent(a) + InformationContent(b), "definition of I", "I 的定义"))

