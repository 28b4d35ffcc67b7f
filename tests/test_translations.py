"""Every Chinese string is there: derivation titles and reasons, the rule table, the words of
the renderers; and ``--lang zh`` output has no bare placeholder word where a translation or a
subject is missing. Reads whatever is in derivations/ now."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import sympy as sp

from xentsym import rules as R
from xentsym.discover import discover
from xentsym.functions import Entropy
from xentsym.notation import n, p
from xentsym.render import latex as tex
from xentsym.render.html.words import WORDS as HTML_WORDS
from xentsym.render.markdown import WORDS as MARKDOWN_WORDS
from xentsym.render.printer import XentLatexPrinter

ROOT = Path(__file__).resolve().parents[1]
DERIVATIONS = discover([ROOT / "derivations"])


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) == "W" and ch.isalpha() for ch in text)


FUNCTION_NAMES = (r"\b(log|exp|ln|sin|cos|max|min|argmax|argmin|KL|softmax|sigma|theta|alpha|"
                  r"beta|gamma|delta|lambda|mu|pi|tau|phi|psi|omega|eta|epsilon)\b")


def _words_outside_math(text: str) -> str:
    """The letters of ``text`` outside $...$, "{}" and function names (a formula typed as
    text, "log 1 = 0", needs no translation): what needs translating."""
    return re.sub(FUNCTION_NAMES, "", re.sub(r"\$[^$]*\$|\{\}", "", text))


def missing(english: str, chinese: str, subject=()) -> str | None:
    """Why ``chinese`` does not translate ``english`` (None when it does)."""
    if not chinese.strip():
        return "empty"
    if re.search(r"[A-Za-z]{2,}", _words_outside_math(english)) and not _has_cjk(chinese):
        return "not translated"
    if english.count("{}") != chinese.count("{}"):
        return "the {} placeholders differ"
    if "{}" in chinese and not subject:
        return "a {} with nothing to fill it"
    return None


def test_the_check_itself_catches_gaps():
    assert missing("take {}", "取 {}", ()) == "a {} with nothing to fill it"
    assert missing("one trial", "one trial") == "not translated"
    assert missing("one trial", "") == "empty"
    assert missing("$x = 1$", "$x = 1$") is None
    assert missing("log 1 = 0", "log 1 = 0") is None
    assert missing("one trial", "一次试验") is None


@pytest.mark.parametrize("d", DERIVATIONS, ids=lambda d: d.name)
def test_every_derivation_is_translated(d):
    assert _has_cjk(d.title_zh), f"{d.name}: no Chinese title"
    gaps = [(s.index, s.template("en"), why) for s in d.steps
            if (why := missing(s.template("en"), s.template("zh"), s.subject))]
    assert not gaps, f"{d.name}: {gaps}"


@pytest.mark.parametrize("d", DERIVATIONS, ids=lambda d: d.name)
def test_chinese_latex_has_no_english_words_outside_math(d):
    body = tex.snippet(d, "zh").split("\\begin{align*}")[1]
    texts = re.findall(r"\\tag\*\{(?:\\parbox\{[^}]*\}\{\\raggedleft)?\\small ([^$}]*)", body)
    texts += re.findall(r"\\text\{([^}]*)\}", body)
    english = [t for t in texts if re.search(r"[A-Za-z]{3,}", _words_outside_math(t))
               and not _has_cjk(t)]
    assert not english, english


RULES = [v for v in vars(R).values() if isinstance(v, R.Rule)]
FACTORIES = [R.drop_positive_factor(n), R.drop_constant_term(-Entropy(p)),
             R.fold_definition(Entropy(p)), R.specialise({n: 2}),
             R.definition_of(sp.Symbol("u"), 1 - sp.Symbol("v")),
             R.case_split(sp.Symbol("x"))]


@pytest.mark.parametrize("rule", RULES + FACTORIES, ids=lambda r: r.name)
def test_every_rule_of_the_table_is_translated(rule):
    assert missing(rule.text, rule.text_zh, rule.subject) is None, (rule.text, rule.text_zh)


def test_an_english_only_reason_for_a_specialisation_is_not_a_bare_word():
    rule = R.specialise({n: 2}, "a coin has two outcomes")
    assert missing(rule.text, rule.text_zh, rule.subject) is None


def _same_keys(a: dict, b: dict, where: str) -> list[str]:
    out = []
    for key in a.keys() | b.keys():
        if key not in a or key not in b:
            out.append(f"{where}{key}")
        elif isinstance(a[key], dict):
            out += _same_keys(a[key], b[key], f"{where}{key}.")
        elif not str(b[key]).strip():
            out.append(f"{where}{key} (empty)")
    return out


def test_the_renderers_have_every_word_in_both_languages():
    assert not _same_keys(HTML_WORDS["en"], HTML_WORDS["zh"], "html.")
    assert not _same_keys(MARKDOWN_WORDS["en"], MARKDOWN_WORDS["zh"], "markdown.")
    assert set(XentLatexPrinter.CASE_WORDS) == {"en", "zh"}
    assert all(_has_cjk(w) for w in XentLatexPrinter.CASE_WORDS["zh"])
    assert set(tex.NOT_CHECKED) == {"en", "zh"} and _has_cjk(tex.NOT_CHECKED["zh"])
