"""``xentsym explain FILE:LINE`` and ``check-doc --explain`` through the command line."""
from __future__ import annotations

import json
from pathlib import Path

from xentsym.cli import main

LECTURE = Path(__file__).resolve().parents[2] / "shared" / "lecture" / "cross-entropy-lecture.md"


def test_explain_prints_the_kl_split_as_align(capsys):
    code = main(["explain", f"{LECTURE}:91", "--samples", "300"])
    out = capsys.readouterr().out
    assert code == 0
    assert r"\begin{align*}" in out and "log of a quotient" in out and "split the sum" in out


def test_check_doc_explain_adds_the_chain_to_the_json(tmp_path, capsys):
    doc = tmp_path / "kl.md"
    doc.write_text("<!-- xentsym: p, q: distributions over n -->\n$$\\sum_{i=1}^{n} p_i \\log "
                   "\\frac{p_i}{q_i} = \\sum_{i=1}^{n} p_i \\log p_i - \\sum_{i=1}^{n} p_i "
                   "\\log q_i$$\n", encoding="utf-8")
    code = main(["check-doc", str(doc), "--explain", "--format", "json", "--samples", "300",
                 "--no-cache"])
    data = json.loads(capsys.readouterr().out)
    (step,) = data["steps"]
    assert code == 0 and step["status"] == "verified"
    assert step["explained"] and "explanation" in step


def test_explain_on_a_line_without_a_step_is_a_one_line_error(tmp_path, capsys):
    doc = tmp_path / "empty.md"
    doc.write_text("no formulas here\n", encoding="utf-8")
    code = main(["explain", f"{doc}:1"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "empty.md:1" in err
