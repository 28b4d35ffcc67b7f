"""The log of the product of Bernoulli PMFs, step by step, is the log-likelihood sum."""
import sympy as sp

from xentsym import Derivation, formulas
from xentsym import rules as R

bernoulli_log_likelihood = Derivation(
    "bernoulli-log-likelihood", "The log-likelihood of N Bernoulli samples",
    sp.log(formulas.get("model_likelihood").expr), title_zh="伯努利样本的对数似然",
    description="Sample i is positive with the model probability p_theta(Y = 1 | x_i).")
(bernoulli_log_likelihood
 .apply(R.LOG_OF_PRODUCT)
 .apply(R.LOG_PRODUCT)
 .apply(R.LOG_POWER))
