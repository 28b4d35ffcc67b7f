"""docs/guide.md: its Python examples run, in order, as one script, and its rule table is
the one generated from the rules (so neither can drift from the code)."""
from __future__ import annotations

import re

from conftest import REPO_ROOT
from xentsym import ruletable

GUIDE = REPO_ROOT / "docs" / "guide.md"


def _blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_guide_examples_run():
    blocks = _blocks(GUIDE.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own docs
    # The worked example is the logistic-regression gradient, verified for a free j.
    assert namespace["result"].status == "verified"
    assert [s.rule for s in namespace["gradient"].steps] == [
        "differentiate-under-sum", "chain-rule", "entry-derivative", "kronecker-sum", "claim"]


def test_the_rule_table_is_current():
    text = GUIDE.read_text(encoding="utf-8")
    inside = text.split(ruletable.START, 1)[1].split(ruletable.END, 1)[0].strip()
    assert inside == ruletable.table(), "run: python -m xentsym.ruletable docs/guide.md"


def test_every_rule_is_in_the_table():
    table = ruletable.table()
    for written, rule in ruletable.rule_objects():
        assert f"`{written}`" in table and rule.name in table
    constructed = {w.split("(")[0] for w, _, _ in ruletable.CONSTRUCTED}
    assert set(ruletable.rule_constructors()) <= constructed
    # ... and every row shows an example
    rows = [r for r in table.splitlines()[2:]]
    assert all("→" in r for r in rows), [r for r in rows if "→" not in r]


def test_the_guide_states_the_contracts():
    text = GUIDE.read_text(encoding="utf-8")
    for needle in ('"summary"', '"counterexample"', "Exit codes", "`unproven`",
                   "expect_unproven", "Declaration(j, INDEX, (d,))"):
        assert needle in text, needle
