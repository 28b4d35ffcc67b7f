r"""Definitions the prose makes in inline math: "let $u_k = 1/K$", "where $m = \sum_i x_i$".

A sentence that introduces a name with a defining word (let, define, denote, where, set,
write, and "the model predicts/outputs"; 令, 设, 记, 其中) shortly before an inline formula ``NAME = VALUE`` (a few words apart,
in the same clause) defines that name from that point on, as a hint ``NAME := VALUE``
would. Said with is, are, be, as (为, 是) it holds for the next display only, as a hint
``NAME = VALUE`` would. Such a hint is *soft*: when the checker cannot read it, it is
skipped, never an error. A value without a letter (``$y = 1$``) is a case the sentence
considers, not a definition. A phrase that gives a name its kind ("a one-hot label $y$",
"the same number $c$") declares it, as a hint ``y: one-hot`` would.
"""
from __future__ import annotations

import re

from .model import Document, Hint

_INLINE = re.compile(r"(?<![\\$])\$(?!\$)((?:[^$\\]|\\.)+?)\$|\\\((.+?)\\\)", re.S)
_DEFINING = re.compile(
    r"(?:\b(?:let|define|defines|defined|denote|denotes|denoted|where|set|write|writing"
    r"|predicts|outputs)\b"
    r"|令|设|记|其中|定义)[^.;:!?。；：\n$]{0,40}$", re.I)
# "the prediction is $\hat{y} = \sigma(z)$": said of what comes next, not a definition for
# the rest of the document -- it holds for the next display only (a NAME = VALUE hint).
# "with $\hat{y} = \mathrm{softmax}(z)$, the loss is ..." fixes the notation for what follows
# the same way, unless the clause states a case ("with equality iff $p = q$").
_SAYING = re.compile(r"\b(?:is|be|as|are)\b[^.;:!?。；：\n$]{0,40}$|(?:为|是)[^。；：\n$]{0,20}$"
                     r"|\bwith\b(?![^$]*\b(?:equality|iff?|only|when|whenever)\b)"
                     r"[^.;:!?。；：\n$]{0,40}$", re.I)
# "a one-hot label $y$": the kind of the names that follow (at most two words between the
# phrase and the formula). Not "a distribution $P$": notes name one distribution twice ("$P$
# with p.m.f. $p(x)$"), and two declared distributions would then differ.
_KINDS = (
    (re.compile(r"(?:\bone[- ]hot(?:[- ]encoded)?|独热(?:编码)?的?)\s*(?:[A-Za-z-]+\s+){0,2}"
                r"(?:向量|标签)?\s*$", re.I), "one-hot"),
    # "the same number $c$", "any real constant $c$": a number the claim holds for, whatever
    # it is (a name the prose fixes to one value is never introduced this way)
    (re.compile(r"(?:\b(?:a|an|any|the\s+same|every)\s+(?:real\s+)?(?:number|constant|scalar)"
                r"|任意(?:实数|常数))\s*$", re.I), "real"),
)
_KINDS_AFTER = (
    (re.compile(r"\s*(?:is|are)\s+(?:an?\s+)?(?:[A-Za-z-]+\s+)?one[- ]hot\b"
                r"|\s*(?:是|为)(?:一个)?(?:独热|one-hot)", re.I), "one-hot"),
)
# A name alone: y, \hat{y}, \mathbf{y}, p_\theta (no operator, no application)
_NAME = re.compile(r"(?:\\(?:hat|bar|tilde|mathbf|boldsymbol|vec)\s*\{\s*)?\\?[A-Za-z]+\s*\}?"
                   r"(?:_\{?\\?[A-Za-z0-9]+\}?)?")
_AND = re.compile(r"\s*(?:,|and|,\s*and|以及|和|及|、|，)\s*", re.I)
_RELATION_MACROS = re.compile(r"\\(?:le|ge|leq|geq|neq|ne|approx|sim|in|to|propto)(?![A-Za-z])")


def prose_definitions(doc: Document, prose: str, spans: list[tuple[int, int]]) -> list[Hint]:
    """Soft hints ``NAME := VALUE`` (and ``NAME: KIND``) from the inline formulas of ``prose``
    (the document's text with code and comments blanked) inside ``spans`` (the stretches
    between displays)."""
    out = []
    for start, end in spans:
        last = None  # (end, strong, kind) of the previous formula a sentence spoke of
        for m in _INLINE.finditer(prose, start, end):
            group = 1 if m.group(1) is not None else 2
            body = m.group(group).strip()
            before = prose[max(start, m.start() - 60):m.start()]
            strong = _DEFINING.search(before) is not None
            # "write $t_i = ...$ and $h_i = ...$": the second is said the same way
            listed = last is not None and _AND.fullmatch(prose[last[0]:m.start()]) is not None
            strong = strong or (listed and last[1])
            said = strong or listed or _SAYING.search(before) is not None
            kind = _kind(before) or (last[2] if listed else None) or \
                _kind_after(prose[m.end():min(end, m.end() + 40)])
            line, col = doc.position(m.start(group))
            # "with a label $y$ and $\hat{y} = ...$": a bare name listed first passes the
            # saying on to the formulas listed after it
            last = (m.end(), strong, kind) if said or kind else None
            if kind and _NAME.fullmatch(body):
                out.append(Hint(line, col, f"{body}: {kind}", prose=True))
                continue
            if not said or _RELATION_MACROS.search(body):
                last = None
                continue
            sides = _split_equals(body)
            if sides is None or not re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", sides[1])):
                continue
            sign = ":=" if strong else "="
            out.append(Hint(line, col, f"{sides[0]} {sign} {sides[1]}", prose=True))
    return out


def _kind_after(after: str) -> str | None:
    """The kind a phrase after the name gives it: "$y$ is one-hot", "$t$ 是独热向量"."""
    for pattern, kind in _KINDS_AFTER:
        if pattern.match(after):
            return kind
    return None


def _kind(before: str) -> str | None:
    """The kind a phrase gives the name that follows it: "a one-hot label $y$" (one-hot),
    "two distributions $p$ and $q$" (distribution)."""
    for pattern, kind in _KINDS:
        if pattern.search(before):
            return kind
    return None


def _split_equals(body: str) -> tuple[str, str] | None:
    """``(name, value)`` when ``body`` holds exactly one ``=`` outside brackets and no
    ``<``, ``>``."""
    depth, at = 0, []
    for k, c in enumerate(body):
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif c in "<>" and depth == 0:
            return None
        elif c == "=" and depth == 0:
            at.append(k)
    if len(at) != 1 or body[at[0] - 1:at[0]] in (":", "\\", "!"):
        return None
    left, right = body[:at[0]].strip(), body[at[0] + 1:].strip()
    return (left, right) if left and right else None


__all__ = ["prose_definitions"]
