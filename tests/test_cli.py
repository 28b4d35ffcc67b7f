"""The ``xentsym`` command, in process (``xentsym.cli.main``) and as ``python -m xentsym``."""
from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import textwrap

import pytest

from xentsym.cli import main

# The lecture's derivations and those beyond it, named by hand (not read from the code).
EXPECTED_DERIVATIONS = {"bernoulli-log-likelihood", "bernoulli-pmf-cases", "binary-entropy",
                        "binary-is-multiclass", "drop-mean-and-sign", "kl-split",
                        "mle-to-cross-entropy",
                        "gibbs-inequality", "cross-entropy-at-least-entropy",
                        "kl-zero-at-equality", "categorical-mle", "bernoulli-is-binomial",
                        "sigmoid-bce-gradient", "softmax-ce-gradient", "uniform-entropy",
                        "entropy-maximum", "binary-entropy-peak", "information-adds",
                        "bernoulli-kl", "one-hot-cross-entropy", "squared-error-gradient",
                        "logistic-regression-gradient", "logistic-regression-hessian",
                        "gibbs-equality"}
STATUSES = {"verified", "refuted", "unproven"}


@pytest.fixture(autouse=True)
def _cache_outside_the_repo(tmp_path, monkeypatch):
    """The verdict cache of every command here (and of the subprocesses) lives in tmp."""
    monkeypatch.setenv("XENTSYM_CACHE_DIR", str(tmp_path / "xentsym-cache"))


def run_module(*args, cwd):
    """``python -m xentsym ARGS`` in ``cwd``: (exit code, stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "xentsym", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def run_main(capsys, *args):
    """``xentsym.cli.main(ARGS)`` in this process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse exits for bad usage
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str):
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "error" in lines[0].lower()
    return lines[0]


@pytest.fixture()
def write_script(tmp_path):
    def write(name: str, body: str):
        path = tmp_path / name
        path.write_text(textwrap.dedent(body).lstrip("\n"))
        return path
    return write


WRONG_CLAIM = '''
import sympy as sp
from xentsym import Derivation
from xentsym.notation import beta

wrong = Derivation("wrong-power", "A wrong power rule", sp.log(beta**2))
wrong.claim(3 * sp.log(beta), "log of a square, miscounted")
'''
WRONG_CLAIM_LINE = 6  # the line of wrong.claim(...) once the script is written


# --- list ----------------------------------------------------------------------------------

def test_list_in_process(capsys, derivations_dir):
    code, out, err = run_main(capsys, "list", str(derivations_dir))
    assert code == 0, err
    names = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert names == EXPECTED_DERIVATIONS
    # the step counts printed are the scripts' own: kl-split has 8 moves
    kl = next(line for line in out.splitlines() if line.startswith("kl-split"))
    assert re.search(r"\b8 steps\b", kl)


def test_list_as_module_uses_derivations_by_default(repo_root):
    code, out, err = run_module("list", cwd=repo_root)
    assert code == 0, err
    assert {line.split()[0] for line in out.splitlines() if line.strip()} == EXPECTED_DERIVATIONS
    assert "Traceback" not in err


# --- verify ----------------------------------------------------------------------------------

def test_verify_text_in_process_all_verified(capsys, derivations_dir):
    code, out, err = run_main(capsys, "verify", str(derivations_dir))
    assert code == 0, out + err
    step_lines = [line for line in out.splitlines() if re.match(r"\s+\d+\s", line)]
    assert len(step_lines) >= 20
    for line in step_lines:
        assert line.rstrip().endswith("ok"), line
        assert "proved" in line and "passed" in line, line
    assert "REFUTED" not in out
    assert re.search(rf"\b{len(EXPECTED_DERIVATIONS)} verified, 0 refuted, 0 unproven\b", out)


def test_verify_as_module_exit_0(repo_root):
    code, out, err = run_module("verify", cwd=repo_root)
    assert code == 0, out + err
    assert "Traceback" not in err
    assert re.search(rf"\b{len(EXPECTED_DERIVATIONS)} verified, 0 refuted, 0 unproven\b", out)


def _check_json_shape(doc: dict):
    # DESIGN.md's contract, plus the fields added since (fields may be added, never removed)
    assert set(doc) == {"derivations", "summary", "errors"}
    assert doc["errors"] == []
    assert isinstance(doc["derivations"], list)
    assert set(doc["summary"]) == STATUSES
    for value in doc["summary"].values():
        assert type(value) is int and value >= 0
    for d in doc["derivations"]:
        assert set(d) == {"name", "title", "status", "steps", "file", "line",
                          "expect_unproven"}
        assert d["expect_unproven"] is None or isinstance(d["expect_unproven"], str)
        assert d["file"].endswith(".py") and type(d["line"]) is int and d["line"] > 0
        assert isinstance(d["name"], str) and d["name"]
        assert isinstance(d["title"], str) and d["title"]
        assert d["status"] in STATUSES
        assert isinstance(d["steps"], list) and d["steps"]
        for n, s in enumerate(d["steps"], start=1):
            assert set(s) == {"index", "relation", "rule", "symbolic", "numeric", "samples",
                              "counterexample", "seconds", "status", "assumptions",
                              "file", "line", "reason", "cached"}
            assert s["file"].endswith(".py") and type(s["line"]) is int and s["line"] > 0
            assert isinstance(s["reason"], str) and s["reason"]
            assert type(s["cached"]) is bool
            assert all(isinstance(a, str) for a in s["assumptions"])
            if d["name"] == "kl-split":  # p and q are declared distributions over n
                assert any(a.startswith("p_i a distribution") for a in s["assumptions"])
            assert type(s["index"]) is int and s["index"] == n
            assert isinstance(s["relation"], str) and s["relation"]
            assert isinstance(s["rule"], str) and s["rule"]
            assert s["symbolic"] in {"proved", "disproved", "unknown", "timeout"}
            assert s["numeric"] in {"passed", "failed"}
            assert type(s["samples"]) is int
            assert s["counterexample"] is None or isinstance(s["counterexample"], dict)
            assert isinstance(s["seconds"], float) and s["seconds"] >= 0
            assert s["status"] in STATUSES
        # a derivation's status is the worst of its steps
        steps = {s["status"] for s in d["steps"]}
        worst = "refuted" if "refuted" in steps else "unproven" if "unproven" in steps \
            else "verified"
        assert d["status"] == worst
    counted = {k: sum(d["status"] == k for d in doc["derivations"]) for k in STATUSES}
    assert doc["summary"] == counted


def test_verify_json_shape(capsys, derivations_dir):
    code, out, err = run_main(capsys, "verify", str(derivations_dir), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    _check_json_shape(doc)
    assert {d["name"] for d in doc["derivations"]} == EXPECTED_DERIVATIONS
    assert doc["summary"] == {"verified": len(EXPECTED_DERIVATIONS), "refuted": 0, "unproven": 0}
    for d in doc["derivations"]:
        for s in d["steps"]:
            assert (s["status"], s["symbolic"], s["numeric"]) == ("verified", "proved", "passed")
            assert s["counterexample"] is None
            assert s["samples"] >= 1000  # the default


def test_verify_json_as_module(repo_root):
    code, out, err = run_module("verify", "--format", "json", "--samples", "200",
                                cwd=repo_root)
    assert code == 0, err
    doc = json.loads(out)
    _check_json_shape(doc)
    assert all(s["samples"] >= 200 for d in doc["derivations"] for s in d["steps"])


def test_only_one_derivation(capsys, derivations_dir):
    code, out, err = run_main(capsys, "verify", str(derivations_dir), "--only", "kl-split",
                              "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    _check_json_shape(doc)
    assert [d["name"] for d in doc["derivations"]] == ["kl-split"]
    assert len(doc["derivations"][0]["steps"]) == 8
    assert doc["summary"] == {"verified": 1, "refuted": 0, "unproven": 0}


def test_only_text(capsys, derivations_dir):
    code, out, err = run_main(capsys, "verify", str(derivations_dir), "--only", "binary-entropy")
    assert code == 0, err
    assert "binary-entropy" in out
    assert not (EXPECTED_DERIVATIONS - {"binary-entropy"}) & set(re.findall(r"^\S+", out, re.M))


def test_unknown_name_exits_2_with_one_line(repo_root):
    code, out, err = run_module("verify", "--only", "no-such-derivation", cwd=repo_root)
    assert code == 2
    line = assert_one_line_error(err)
    assert "no-such-derivation" in line
    assert out == ""


def test_unknown_name_in_process(capsys, derivations_dir):
    code, out, err = run_main(capsys, "verify", str(derivations_dir), "--only", "nope-nope")
    assert code == 2
    assert "nope-nope" in assert_one_line_error(err)


def test_missing_path_exits_2(capsys, tmp_path):
    missing = tmp_path / "not-here"
    code, out, err = run_main(capsys, "verify", str(missing))
    assert code == 2
    assert "not-here" in assert_one_line_error(err)


def test_script_that_raises_exits_2_with_file_and_line(repo_root, write_script):
    path = write_script("raises.py", '''
        import sympy as sp
        from xentsym import Derivation

        values = {"a": 1}
        oops = values["b"] + 1
        ''')
    code, out, err = run_module("verify", str(path), cwd=repo_root)
    assert code == 2
    line = assert_one_line_error(err)
    assert re.search(r"raises\.py:5\b", line), line
    assert "KeyError" in line


def test_script_with_a_rule_that_does_not_apply_exits_2(capsys, write_script):
    path = write_script("norule.py", '''
        from xentsym import Derivation
        from xentsym import rules as R
        from xentsym.notation import beta

        d = Derivation("no-quotient", "nothing to split", beta)
        d.apply(R.LOG_QUOTIENT)
        ''')
    code, out, err = run_main(capsys, "verify", str(path))
    assert code == 2
    line = assert_one_line_error(err)
    assert re.search(r"norule\.py:6\b", line), line


def test_script_with_a_syntax_error_exits_2_with_line(capsys, write_script):
    path = write_script("syntax.py", '''
        from xentsym import Derivation

        d = Derivation("broken", "broken", 1
        x = )
        ''')
    code, out, err = run_main(capsys, "verify", str(path))
    assert code == 2
    line = assert_one_line_error(err)
    assert re.search(r"syntax\.py:\d+:\d+", line), line  # file, line and column


def test_wrong_claim_exits_1_and_names_file_line_and_counterexample(repo_root, write_script):
    path = write_script("wrong.py", WRONG_CLAIM)
    code, out, err = run_module("verify", str(path), cwd=repo_root)
    assert code == 1, out + err
    assert "Traceback" not in err
    problem = [line for line in out.splitlines() if f"wrong.py:{WRONG_CLAIM_LINE}" in line]
    assert problem, out
    assert "refuted" in problem[0].lower()
    assert "counterexample" in problem[0]
    assert re.search(r"\b0 verified, 1 refuted, 0 unproven\b", out)


def test_wrong_claim_json_counterexample_is_genuine(capsys, write_script):
    path = write_script("wrong.py", WRONG_CLAIM)
    code, out, err = run_main(capsys, "verify", str(path), "--format", "json")
    assert code == 1, err
    doc = json.loads(out)
    _check_json_shape(doc)
    (d,) = doc["derivations"]
    assert d["name"] == "wrong-power" and d["status"] == "refuted"
    (step,) = d["steps"]
    assert step["status"] == "refuted" and step["numeric"] == "failed"
    ce = step["counterexample"]
    beta = ce["values"]["beta"]
    assert 0 < beta < 1
    # recompute both sides at the witness: log(beta^2) and 3 log(beta)
    assert ce["lhs"] == pytest.approx(2 * math.log(beta), rel=1e-9)
    assert ce["rhs"] == pytest.approx(3 * math.log(beta), rel=1e-9)
    assert doc["summary"] == {"verified": 0, "refuted": 1, "unproven": 0}


@pytest.mark.parametrize("args", [["--samples", "0"], ["--samples", "-3"],
                                  ["--samples", "many"], ["--format", "yaml"]])
def test_bad_options_exit_2(capsys, derivations_dir, args):
    code, out, err = run_main(capsys, "verify", str(derivations_dir), *args)
    assert code == 2
    assert "Traceback" not in err
    assert "error" in err.lower()
    assert out == ""


def test_bad_samples_as_module(repo_root):
    code, out, err = run_module("verify", "--samples", "0", cwd=repo_root)
    assert code == 2
    assert "Traceback" not in err
    assert "--samples" in err


def test_seed_does_not_change_verdicts(capsys, derivations_dir):
    verdicts = []
    for seed in range(5):
        code, out, err = run_main(capsys, "verify", str(derivations_dir), "--seed", str(seed),
                                  "--format", "json")
        assert code == 0, (seed, err)
        doc = json.loads(out)
        verdicts.append([(d["name"], s["index"], s["status"], s["symbolic"], s["numeric"])
                         for d in doc["derivations"] for s in d["steps"]])
    assert all(v == verdicts[0] for v in verdicts[1:])
    assert {v[2] for v in verdicts[0]} == {"verified"}


def test_seed_does_not_rescue_a_wrong_claim(capsys, write_script):
    path = write_script("wrong.py", WRONG_CLAIM)
    for seed in (0, 7, 123):
        code, out, err = run_main(capsys, "verify", str(path), "--seed", str(seed))
        assert code == 1
        assert "refuted" in out.lower()
