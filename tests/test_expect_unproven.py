"""A derivation marked ``expect_unproven`` passes CI while it stays unproven, and only then."""
from __future__ import annotations

import json

from xentsym.cli import main

SCRIPT = '''
import sympy as sp
from xentsym import Derivation
from xentsym.notation import LECTURE, p, q, i, n

d = Derivation("{name}", "a marked derivation", {start}, scope=LECTURE,
               expect_unproven="{reason}")
d.claim({claim}, "a step")
'''
# sin^2 + cos^2 = 1 is true, but no rule of the engine proves it: unproven, not refuted
UNPROVEN = dict(start="sp.sin(p[i])**2 + sp.cos(p[i])**2", claim="sp.Integer(1)")
TRUE = dict(start="p[i] + p[i]", claim="2*p[i]")
FALSE = dict(start="p[i] + p[i]", claim="3*p[i]")


def run(tmp_path, capsys, case, fmt="text"):
    script = tmp_path / "marked.py"
    script.write_text(SCRIPT.format(name="marked", reason="needs trigonometry", **case),
                      encoding="utf-8")
    code = main(["verify", str(tmp_path), "--format", fmt, "--no-cache", "--samples", "200"])
    return code, capsys.readouterr().out


def test_unproven_as_expected_passes_and_says_so(tmp_path, capsys):
    code, out = run(tmp_path, capsys, UNPROVEN)
    assert code == 0, out
    assert "unproven (expected: needs trigonometry)" in out
    assert "1 derivation unproven as expected" in out


def test_the_mark_never_hides_a_refuted_step(tmp_path, capsys):
    code, out = run(tmp_path, capsys, FALSE)
    assert code == 1 and ": refuted" in out


def test_a_verified_derivation_is_told_its_mark_can_go(tmp_path, capsys):
    code, out = run(tmp_path, capsys, TRUE)
    assert code == 0 and "the mark can go" in out


def test_json_carries_the_mark(tmp_path, capsys):
    code, out = run(tmp_path, capsys, UNPROVEN, "json")
    (d,) = json.loads(out)["derivations"]
    assert code == 0 and d["status"] == "unproven" and d["expect_unproven"] == "needs trigonometry"
