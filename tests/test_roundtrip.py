"""Every step of every derivation, printed as LaTeX and parsed back, is proved the same."""
from __future__ import annotations

from pathlib import Path

import pytest

from xentsym.check.symbolic import prove_equal
from xentsym.discover import discover
from xentsym.parse import bind, parse
from xentsym.render.printer import latex

ROOT = Path(__file__).resolve().parents[1]
STEPS = [(d, s) for d in discover([ROOT / "derivations"]) for s in d.steps]

def _case(d, s):
    return pytest.param(d, s, id=f"{d.name}-{s.index}")


@pytest.mark.parametrize("derivation, step", [_case(d, s) for d, s in STEPS])
def test_rendered_step_parses_back_to_the_same_expression(derivation, step):
    for expr in (step.before, step.after):
        # Names the derivation declares itself (a positive a, an integer m, a family t)
        # are bound to its declarations, as a reader in its scope would.
        back = bind(parse(latex(expr)), derivation.scope)
        verdict = prove_equal(back, expr, derivation.scope)
        assert verdict.status == "proved", (latex(expr), back, verdict)


def test_round_trip_can_fail():
    # A printed expression with one sign changed must not be proved equal to the original.
    d, s = next((d, s) for d, s in STEPS if d.name == "kl-split" and s.index == 5)
    text = latex(s.after).replace("- \\sum", "+ \\sum", 1)
    assert prove_equal(bind(parse(text), d.scope), s.after, d.scope).status != "proved"
