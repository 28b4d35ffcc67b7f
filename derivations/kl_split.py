"""KL divergence = cross-entropy - entropy, so for a fixed p, minimising KL over q minimises H(p, q)."""
from xentsym import Derivation
from xentsym import rules as R
from xentsym.functions import CrossEntropy, Entropy, KLDivergence
from xentsym.notation import p, q

kl_split = Derivation(
    "kl-split", "The KL divergence splits into entropy and cross-entropy",
    KLDivergence(p, q), title_zh="KL 散度拆分为熵与交叉熵", wrt=(q,), sense="min", parameter="q",
    description="Fix the true distribution p and vary the prediction q.")
(kl_split
 .apply(R.UNFOLD)
 .apply(R.LOG_QUOTIENT)
 .apply(R.DISTRIBUTE)
 .apply(R.SPLIT_SUM)
 .apply(R.PULL_CONSTANT)
 .apply(R.fold_definition(Entropy(p)))
 .apply(R.fold_definition(CrossEntropy(p, q)))
 .apply(R.drop_constant_term(-Entropy(p))))
