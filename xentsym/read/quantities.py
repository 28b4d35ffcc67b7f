r"""Spellings of KL divergence, entropy and cross-entropy: one table from a written name to a quantity.

The reader sees a name as ``(name, label)``: ``D_{KL}`` is ``("D", "KL")`` (also
``D_{\mathrm{KL}}``, ``D_{\text{KL}}``), ``\mathrm{KL}`` and ``\operatorname{KL}`` are
``("KL", None)``, ``H`` and ``\mathbb{H}`` are ``("H", None)``. Applied to brackets, each
spelling in :data:`SPELLINGS` is read as the quantity it names:

* ``kl``: ``D_{KL}(p \| q)``, ``\mathrm{KL}(p \| q)``, ``KL(p || q)``, ``D_{KL}(P \parallel Q)``;
* ``entropy``: ``H(p)``, ``\mathbb{H}(p)``, and with two distributions the cross-entropy
  ``H(p, q)``;
* ``cross-entropy``: ``\mathrm{CE}(p, q)``.

A spelling that is also an ordinary word (``\mathrm{KL}``, ``\mathrm{CE}``) names the quantity only
when its arguments are distributions: ``\text{KL}(a \| b)`` of two other names stays a function
``KL`` the document may define. ``KL`` written as two bare letters is read as the name ``KL``
only in that case too (:func:`bare_word`); elsewhere ``K L`` is a product.

>>> SPELLINGS[("D", "KL")], SPELLINGS[("KL", None)], SPELLINGS[("CE", None)]
('kl', 'kl', 'cross-entropy')
>>> blackboard_name("H"), blackboard_name("E")
('H', None)
"""
from __future__ import annotations

# (name, label) -> the quantity it names when applied to brackets.
SPELLINGS: dict[tuple, str] = {
    ("D", "KL"): "kl",
    ("KL", None): "kl",
    ("D", None): "kl",  # D(p || q), the relative entropy
    ("H", None): "entropy",
    ("CE", None): "cross-entropy",
}
# Spellings that are read as the quantity only when their arguments are distributions; any
# other argument leaves an ordinary function of that name.
ONLY_OF_DISTRIBUTIONS = frozenset({("KL", None), ("CE", None), ("D", None)})
# Names of the Bernoulli distribution, as in D_KL(Bern(a) || Bern(b)).
BERNOULLI = frozenset({"Bern", "Bernoulli", "Ber"})
# Names written as bare letters side by side that spell a quantity (KL(p || q)).
BARE_WORDS = frozenset({"KL"})
# \mathbb{..} letters that name a quantity; \mathbb{E} (expectation) and number sets do not.
BLACKBOARD = frozenset({"H"})


def blackboard_name(letter: str) -> str | None:
    r"""The name ``\mathbb{letter}`` stands for, or None when it is not read."""
    letter = letter.strip()
    return letter if letter in BLACKBOARD else None


def bare_word(nodes: list, k: int, is_letter, is_paren) -> str | None:
    """The word of :data:`BARE_WORDS` spelled by the letters at ``nodes[k:]`` when a bracket
    follows them at once (``KL(p || q)``), else None."""
    for word in BARE_WORDS:
        end = k + len(word)
        if end < len(nodes) and is_paren(nodes[end]) and all(
                is_letter(nodes[k + j], c) for j, c in enumerate(word)):
            return word
    return None
