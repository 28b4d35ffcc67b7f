"""The rule table of docs/guide.md, generated from the rules and their doctests.

Each row names a rule as a derivation script writes it, the justification it prints, and
a one-line example: the first doctest of the rule's function (the doctests run in the test
suite, so the examples cannot drift). ``python -m xentsym.ruletable docs/guide.md``
rewrites the table between its markers; tests/test_guide.py fails when it is stale.
"""
from __future__ import annotations

import doctest
import inspect
import sys
from pathlib import Path

from . import notation as nt
from . import rules as R
from . import substitution
from . import sumrules as S
from .functions import Entropy

START, END = "<!-- rule-table:start -->", "<!-- rule-table:end -->"

# Rules a script builds with arguments: (how it is written, its function, an instance).
CONSTRUCTED = (
    ("R.drop_positive_factor(c)", R.drop_factor, R.drop_positive_factor(2)),
    ("R.drop_constant_term(c)", R.drop_term, R.drop_constant_term(1)),
    ("R.fold_definition(quantity)", R.fold, R.fold_definition(Entropy(nt.p))),
    ("R.specialise({old: new}, why, why_zh)", substitution.substitute, R.specialise({})),
    ("R.definition_of(name, body, why, why_zh)", substitution.define,
     R.definition_of(nt.q_failure, 1 - nt.p_success)),
    ("R.case_split(variable)", R.cases, R.case_split(nt.x)),
    ("S.chain_rule_through(inner)", S.chain_rule, S.chain_rule_through(1)),
)


def rule_objects() -> list:
    """(how a script writes it, Rule) for every ready-made rule of rules.py and sumrules.py."""
    out = []
    for prefix, module in (("R", R), ("S", S)):
        for name, value in vars(module).items():
            if isinstance(value, R.Rule):
                out.append((f"{prefix}.{name}", value))
    return out


def rule_constructors() -> list:
    """Names of the functions of rules.py and sumrules.py that build a Rule."""
    found = []
    for prefix, module in (("R", R), ("S", S)):
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ \
                    and not name.startswith("_") \
                    and str(inspect.signature(fn).return_annotation).strip("'\"") == "Rule":
                found.append(f"{prefix}.{name}")
    return found


def example(fn) -> str:
    """The first doctest of ``fn`` that is not an import, as ``call -> result``."""
    for ex in doctest.DocTestParser().get_examples(inspect.getdoc(fn) or ""):
        source = ex.source.strip()
        if source.startswith(("from ", "import ")) or "=" in source.split("(")[0]:
            continue
        return f"`{' '.join(source.split())}` → `{ex.want.strip()}`"
    return ""


def _cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


def table() -> str:
    """The Markdown table of every rule."""
    rows = ["| In a script | Name in reports | Says | Example |", "|---|---|---|---|"]
    for written, rule in rule_objects():
        rows.append(f"| `{written}` | {rule.name} | {_cell(rule.text)} | "
                    f"{_cell(example(rule.fn))} |")
    for written, fn, made in CONSTRUCTED:
        rows.append(f"| `{written}` | {made.name} | {_cell(made.text)} | {_cell(example(fn))} |")
    return "\n".join(rows)


def rewrite(path: Path) -> bool:
    """Put the current table between the markers of ``path``; True when it changed."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{table()}\n{END}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    changed = rewrite(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/guide.md"))
    print("rule table rewritten" if changed else "rule table up to date")
