"""check-doc and verify as CI runs them: many paths, jobs, formats, exit codes, signals, pipes.

The documents are written here by hand, each wrong step on a line counted by hand, and the
verdicts expected are what the mathematics says (log(a + b) is not log a + log b).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from xentsym.cli import main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"

GOOD = "# Good\n\n$$ \\log(a b) = \\log a + \\log b $$\n"
BAD = ("# Bad\n\nSome prose.\n\n$$ \\log(a b) = \\log a + \\log b $$\n\nWrong:\n\n"
       "$$ \\log(a + b) = \\log a + \\log b $$\n\nUnknown:\n\n$$ x + 1 = x + c $$\n")
BAD_REFUTED_LINE, BAD_UNPROVEN_LINE = 9, 13


@pytest.fixture(autouse=True)
def _cache_outside_the_repo(tmp_path, monkeypatch):
    monkeypatch.setenv("XENTSYM_CACHE_DIR", str(tmp_path / "xentsym-cache"))


def run(capsys, *args):
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def xentsym(*args, cwd=None, **kw):
    return [sys.executable, "-m", "xentsym", *map(str, args)]


@pytest.fixture()
def notes(tmp_path):
    """good.md, bad.md and a folder with nested notes of every kind."""
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "bad.md").write_text(BAD)
    return tmp_path


# --- exit codes -----------------------------------------------------------------------------

def test_exit_codes(capsys, notes):
    assert run(capsys, "check-doc", notes / "good.md")[0] == 0
    assert run(capsys, "check-doc", notes / "bad.md")[0] == 1
    code, out, err = run(capsys, "check-doc", notes / "missing.md")
    assert code == 2 and err.count("\n") == 1 and "missing.md" in err and out == ""
    # an unreadable document among readable ones: 2, and the others are still checked
    (notes / "binary.md").write_bytes(b"abc\0def")
    code, out, err = run(capsys, "check-doc", notes / "good.md", notes / "binary.md",
                         notes / "bad.md")
    assert code == 2
    assert re.search(r"binary\.md:1:4: error: .*NUL", err) and "Traceback" not in err
    assert "good.md" in out and f"bad.md:{BAD_REFUTED_LINE}: chain 2 step 1 refuted" in out


def test_help_documents_the_exit_codes(capsys):
    code, out, _ = run(capsys, "check-doc", "--help")
    assert code == 0
    for text in ("0 ", "1 ", "2 ", "130", "141", "--jobs", "github"):
        assert text in out


def test_a_pattern_that_matches_nothing_is_an_input_error(capsys, notes, monkeypatch):
    monkeypatch.chdir(notes)
    code, out, err = run(capsys, "check-doc", "nothing/**/*.md")
    assert code == 2 and "matches no document" in err and out == ""


# --- formats ----------------------------------------------------------------------------------

def test_github_annotations(capsys, notes):
    code, out, err = run(capsys, "check-doc", "--format", "github", notes / "bad.md")
    assert code == 1
    lines = out.splitlines()
    errors = [ln for ln in lines if ln.startswith("::error ")]
    warnings = [ln for ln in lines if ln.startswith("::warning ")]
    assert len(errors) == 1 and len(warnings) == 1, out
    assert re.match(rf"::error file={re.escape(str(notes / 'bad.md'))},"
                    rf"line={BAD_REFUTED_LINE},title=xentsym%3A refuted::chain 2 step 1: "
                    "counterexample", errors[0])
    assert f",line={BAD_UNPROVEN_LINE}," in warnings[0] and "c" in warnings[0]
    assert not any("line=5," in ln for ln in lines)  # the verified step is not annotated
    assert lines[-1].startswith("xentsym check-doc: 1 document: 1 verified, 1 refuted")


def test_github_escapes_newlines_and_commas():
    from xentsym.docreport import annotation
    got = annotation("error", "a,b:c.md", 3, 7, "t: x", "two\nlines 100%")
    assert got == "::error file=a%2Cb%3Ac.md,line=3,col=7,title=t%3A x::two%0Alines 100%25"


def test_json_carries_file_line_reason_and_assumptions(capsys, notes):
    code, out, _ = run(capsys, "check-doc", "--format", "json", notes / "bad.md")
    doc = json.loads(out)
    assert isinstance(doc, dict) and doc["file"] == str(notes / "bad.md")
    by_line = {s["line"]: s for s in doc["steps"]}
    assert set(by_line) == {5, BAD_REFUTED_LINE, BAD_UNPROVEN_LINE}
    for s in doc["steps"]:
        assert s["file"] == doc["file"] and s["reason"] and isinstance(s["assumptions"], list)
    assert by_line[5]["status"] == "verified"
    assert by_line[BAD_REFUTED_LINE]["status"] == "refuted"
    assert by_line[BAD_REFUTED_LINE]["reason"].startswith("counterexample")
    assert by_line[BAD_UNPROVEN_LINE]["status"] == "unproven"
    assert any(a.startswith("a ") for a in by_line[5]["assumptions"])
    # several paths (or a folder): a list, in input order
    code, out, _ = run(capsys, "check-doc", "--format", "json", notes / "bad.md",
                       notes / "good.md")
    assert [d["file"] for d in json.loads(out)] == [str(notes / "bad.md"),
                                                   str(notes / "good.md")]


# --- inputs -----------------------------------------------------------------------------------

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "\n", "$$\n",
                                                              "\\log(a b) = \\log a + \\log b\n",
                                                              "$$\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["s = '$$ 1 = 2 $$'\n"]},
        {"cell_type": "markdown", "metadata": {}, "source": ["Wrong:\n",
                                                              "$$ \\log(a + b) = \\log a + \\log b $$"]},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_notebook_markdown_cells_with_their_file_lines(capsys, tmp_path):
    path = tmp_path / "lesson.ipynb"
    text = json.dumps(NOTEBOOK, indent=1)  # the layout Jupyter writes
    path.write_text(text)
    lines = text.splitlines()
    good = next(i for i, ln in enumerate(lines, 1) if "log(a b)" in ln)
    wrong = next(i for i, ln in enumerate(lines, 1) if "log(a + b)" in ln)
    code, out, _ = run(capsys, "check-doc", "--format", "json", path)
    assert code == 1
    steps = {(s["line"], s["status"]) for s in json.loads(out)["steps"]}
    assert steps == {(good, "verified"), (wrong, "refuted")}  # the code cell is not read


def test_a_broken_notebook_is_a_located_input_error(capsys, tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{\n "cells": [\n  {"cell_type": "markdown",, }\n ]\n}\n')
    code, out, err = run(capsys, "check-doc", path)
    assert code == 2 and re.search(r"broken\.ipynb:3:\d+: error: not a Jupyter notebook", err)


QUARTO = """\
---
title: "Quarto notes"
format: html
---

```{python}
s = "$$ 1 = 2 $$"
```

$$
\\log(a b) = \\log a + \\log b
$$ {#eq-split}

See @eq-split. Wrong:

$$ \\log(a + b) = \\log a + \\log b $$ {#eq-bad}
"""


def test_quarto_document(capsys, tmp_path):
    path = tmp_path / "notes.qmd"
    path.write_text(QUARTO)
    code, out, _ = run(capsys, "check-doc", "--format", "json", path)
    assert code == 1
    assert {(s["line"], s["status"]) for s in json.loads(out)["steps"]} == \
        {(11, "verified"), (16, "refuted")}


def test_folders_and_patterns(capsys, notes, monkeypatch):
    sub = notes / "chapters" / "deep"
    sub.mkdir(parents=True)
    (sub / "one.tex").write_text("\\[ \\log(a b) = \\log a + \\log b \\]\n")
    (sub / "two.md").write_text(GOOD)
    (sub / "skip.txt").write_text(BAD)  # not a document suffix
    (notes / ".ipynb_checkpoints").mkdir()
    (notes / ".ipynb_checkpoints" / "copy.md").write_text(BAD)
    monkeypatch.chdir(notes)
    code, out, _ = run(capsys, "check-doc", "--format", "json", ".")
    files = [Path(d["file"]).as_posix() for d in json.loads(out)]
    assert files == ["bad.md", "chapters/deep/one.tex", "chapters/deep/two.md", "good.md"]
    assert code == 1
    code, out, _ = run(capsys, "check-doc", "--format", "json", "chapters/**/*.md", "good.md")
    assert code == 0
    assert [Path(d["file"]).as_posix() for d in json.loads(out)] == \
        ["chapters/deep/two.md", "good.md"]
    # a path named twice (as a file and inside a folder) is checked once
    code, out, _ = run(capsys, "check-doc", "--format", "json", "chapters", sub / "one.tex")
    assert len(json.loads(out)) == 2


# --- jobs -------------------------------------------------------------------------------------

def test_jobs_keep_the_input_order_and_the_verdicts(capsys, tmp_path):
    names = ["bits.md", "softmax_gradient.tex", "forum_answer.md", "kl_inequalities.tex",
             "cheat_sheet.md"]
    paths = [CORPUS / n for n in names]
    results = {}
    for jobs in (1, 3):
        code, out, err = run(capsys, "check-doc", "--format", "json", "--no-cache",
                             "--jobs", jobs, *paths)
        docs = json.loads(out)
        assert [Path(d["file"]).name for d in docs] == names
        results[jobs] = (code, [[(s["line"], s["status"]) for s in d["steps"]] for d in docs])
    assert results[1] == results[3]
    code, out, _ = run(capsys, "check-doc", "--jobs", "2", "--no-cache", *paths)
    firsts = [next(i for i, ln in enumerate(out.splitlines()) if n in ln) for n in names]
    assert firsts == sorted(firsts)  # text output in input order too


# --- -o -----------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["check-doc", "{good}"], ["verify", str(ROOT / "derivations"), "--only", "kl-split"],
    ["render", "kl-split", "--from", str(ROOT / "derivations"), "--format", "latex"],
    ["render", "kl-split", "--from", str(ROOT / "derivations"), "--format", "pdf"],
    ["plot", "binary-cross-entropy"]])
def test_output_into_a_missing_folder_is_one_line(capsys, notes, command):
    target = notes / "no" / "such" / "folder" / "out.file"
    args = [a.format(good=notes / "good.md") for a in command]
    code, out, err = run(capsys, *args, "-o", target)
    assert code == 2
    assert err.count("\n") == 1 and "error" in err and "Traceback" not in err
    assert "folder" in err and str(target) in err
    assert not (notes / "no").exists()


def test_output_to_a_file(capsys, notes):
    target = notes / "report.json"
    code, out, _ = run(capsys, "check-doc", notes / "bad.md", "--format", "json", "-o", target)
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["file"] == str(notes / "bad.md")


# --- verify: every broken script -------------------------------------------------------------

def test_verify_reports_every_broken_script_and_checks_the_rest(capsys, tmp_path):
    scripts = {
        "a_syntax.py": "from xentsym import Derivation\n\nd = Derivation(\n",
        "b_raises.py": "import sympy\n\n\nx = {}['missing']\n",
        "c_good.py": textwrap.dedent('''
            import sympy as sp
            from xentsym import Derivation
            from xentsym.notation import beta
            good = Derivation("good-power", "a power", sp.log(beta**2))
            good.claim(2 * sp.log(beta), "log of a square")
            '''),
        "d_wrong.py": textwrap.dedent('''
            import sympy as sp
            from xentsym import Derivation
            from xentsym.notation import beta
            wrong = Derivation("wrong-power", "a wrong power", sp.log(beta**2))
            wrong.claim(3 * sp.log(beta), "miscounted")
            '''),
    }
    for name, body in scripts.items():
        (tmp_path / name).write_text(body)
    code, out, err = run(capsys, "verify", tmp_path)
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2 and "Traceback" not in err
    assert re.match(r".*a_syntax\.py:3:\d+: error: syntax error", lines[0])
    assert re.match(r".*b_raises\.py:4: error: .*KeyError", lines[1])
    assert re.search(r"^good-power .*: verified", out, re.M)
    assert re.search(r"^wrong-power .*: refuted", out, re.M)
    code, out, _ = run(capsys, "verify", tmp_path, "--format", "json")
    doc = json.loads(out)
    assert code == 2
    assert [(Path(e["file"]).name, e["line"]) for e in doc["errors"]] == \
        [("a_syntax.py", 3), ("b_raises.py", 4)]
    wrong = next(d for d in doc["derivations"] if d["name"] == "wrong-power")
    (step,) = wrong["steps"]
    assert Path(step["file"]).name == "d_wrong.py" and step["line"] == 6
    assert step["reason"].startswith("counterexample") and step["assumptions"]


def test_verify_jobs_give_the_report_of_one_process(capsys, tmp_path):
    # The largest script is handed out first; the report keeps file order.
    for name in ("binary_entropy.py", "kl_split.py", "mle_to_cross_entropy.py"):
        shutil.copy(ROOT / "derivations" / name, tmp_path / name)
    (tmp_path / "z_wrong.py").write_text(textwrap.dedent('''
        import sympy as sp
        from xentsym import Derivation
        from xentsym.notation import beta
        wrong = Derivation("wrong-power", "a wrong power", sp.log(beta**2))
        wrong.claim(3 * sp.log(beta), "miscounted")
        '''))
    reports = []
    for jobs in ("1", "3"):
        code, out, _ = run(capsys, "verify", tmp_path, "--no-cache", "--samples", "300",
                           "--jobs", jobs, "--format", "json")
        assert code == 1
        doc = json.loads(out)
        for d in doc["derivations"]:
            for step in d["steps"]:
                step.pop("seconds")
        reports.append(doc)
    assert reports[0] == reports[1]
    names = [d["name"] for d in reports[0]["derivations"]]
    files = [Path(d["file"]).name for d in reports[0]["derivations"]]
    assert files == sorted(files) and names[-1] == "wrong-power"
    assert reports[0]["summary"]["refuted"] == 1 and len(names) >= 4


def test_verify_a_name_defined_twice_keeps_the_first_whatever_the_jobs(capsys, tmp_path):
    # Each job runs its own scripts: the rules across scripts (a name used twice, --only)
    # must still follow file order.
    template = textwrap.dedent('''
        import sympy as sp
        from xentsym import Derivation
        from xentsym.notation import beta
        {var} = Derivation({name!r}, "a power", sp.log(beta**2))
        {var}.claim({factor} * sp.log(beta), "log of a square")
        ''')

    def script(*made) -> str:  # (name, factor) per derivation
        return "".join(template.format(var=f"d{n}", name=name, factor=factor)
                       for n, (name, factor) in enumerate(made))

    def report(path, jobs, *extra):
        code, out, _ = run(capsys, "verify", path, "--no-cache", "--samples", "200",
                           "--jobs", jobs, "--format", "json", *extra)
        doc = json.loads(out)
        return code, [(d["name"], d["status"]) for d in doc["derivations"]], doc["errors"]
    (tmp_path / "a_first.py").write_text(script(("twice", 2)))
    (tmp_path / "b_second.py").write_text(script(("twice", 3), ("other", 2)))
    same = tmp_path / "c_same"  # twice in one script: the first is reported, never the second
    same.mkdir()
    (same / "s.py").write_text(script(("dup", 3), ("dup", 2)))
    for jobs in ("1", "2"):
        code, made, errors = report(tmp_path, jobs)
        assert code == 2 and made == [("twice", "verified"), ("other", "verified"),
                                      ("dup", "refuted")], jobs
        assert [(Path(e["file"]).name, e["line"]) for e in errors] == \
            [("b_second.py", 5), ("s.py", 11)]
        assert "'twice' is used twice" in errors[0]["message"]
        assert "a_first.py" in errors[0]["message"]
        code, made, _ = report(tmp_path, jobs, "--only", "other")
        assert code == 2 and made == [("other", "verified")], jobs
        code, out, err = run(capsys, "verify", tmp_path, "--jobs", jobs, "--only", "none")
        assert code == 2 and "no derivation named 'none'; known: twice, other, dup" in err


# --- signals and pipes ------------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _descendants(pid: int) -> set[int]:
    kids, out, todo = _children(), set(), [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _many_documents(tmp_path, copies: int = 6) -> list[Path]:
    out = []
    for i in range(copies):
        for name in ("softmax_gradient.tex", "logistic_mle.md"):
            target = tmp_path / f"{i}_{name}"
            shutil.copy(CORPUS / name, target)
            out.append(target)
    return out


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the processes")
@pytest.mark.parametrize("jobs,depth,group", [(2, 2, False), (1, 1, False), (2, 2, True),
                                             (1, 1, True)])
def test_ctrl_c_exits_130_and_leaves_no_process(tmp_path, jobs, depth, group):
    docs = _many_documents(tmp_path)
    _interrupt(xentsym("check-doc", "--no-cache", "--jobs", jobs, *docs), tmp_path, depth,
               group)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the processes")
@pytest.mark.parametrize("jobs", [2, 1])
def test_ctrl_c_stops_verify_and_its_jobs(tmp_path, jobs):
    # with jobs, each runs its symbolic checks itself; with one process, a worker does
    depth = 1
    # many samples: the run is still checking when it is interrupted
    _interrupt(xentsym("verify", str(ROOT / "derivations"), "--no-cache", "--jobs", jobs,
                       "--samples", "300000"), tmp_path, depth, group=False)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the processes")
def test_jobs_die_with_a_killed_parent(tmp_path):
    # kill -9 reaches only the parent; the jobs lead their own process groups, and the
    # kernel ends them with it (PR_SET_PDEATHSIG), not minutes later when their work is done
    proc = subprocess.Popen(xentsym("verify", str(ROOT / "derivations"), "--no-cache",
                                    "--jobs", 2, "--samples", "300000"),
                            cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while len(_descendants(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        jobs = _descendants(proc.pid)
        assert len(jobs) >= 2, "the jobs never started"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        end = time.monotonic() + 10
        while any(_alive(p) for p in jobs) and time.monotonic() < end:
            time.sleep(0.1)
        assert not [p for p in jobs if _alive(p)]
    finally:
        if proc.poll() is None:
            proc.kill()


def _interrupt(cmd, tmp_path, depth: int, group: bool) -> None:
    """Start ``cmd``, wait for its processes (``depth`` 2: jobs and their workers), send
    Ctrl-C; it must exit 130 with one line and leave no process behind."""
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    seen: set[int] = set()
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:  # wait for the jobs and their symbolic workers
            tree = _descendants(proc.pid)
            seen |= tree
            grand = {c for c in tree if c not in _children().get(proc.pid, [])}
            if (grand if depth == 2 else tree) and proc.poll() is None:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the run never started its worker processes")
        time.sleep(0.3)
        seen |= _descendants(proc.pid)
        if group:  # what a terminal's Ctrl-C does: every process of the group gets it
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        err = proc.communicate(timeout=30)[1]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().endswith("interrupted"), err
    end = time.monotonic() + 10
    while any(_alive(p) for p in seen) and time.monotonic() < end:
        time.sleep(0.1)
    assert seen and not [p for p in seen if _alive(p)]


def test_a_closed_pipe_is_quiet(tmp_path):
    docs = _many_documents(tmp_path, copies=3)
    proc = subprocess.Popen(xentsym("check-doc", "--no-cache", *docs), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert first.strip()
    assert err == "", err
    assert proc.returncode == 141  # 128 + SIGPIPE, as a shell reports a closed pipe


def test_a_closed_pipe_through_a_shell(tmp_path):
    docs = " ".join(str(p) for p in _many_documents(tmp_path, copies=2))
    cmd = f"{sys.executable} -m xentsym check-doc --no-cache {docs} | head -1"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True,
                          text=True, timeout=300)
    assert len(proc.stdout.splitlines()) == 1
    assert proc.stderr == "" and proc.returncode in (141, 1)


# --- the pre-commit hook definition ---------------------------------------------------------

HOOK_KEYS = {"id", "name", "entry", "language", "files", "exclude", "types", "types_or",
             "exclude_types", "always_run", "fail_fast", "verbose", "pass_filenames",
             "require_serial", "description", "language_version", "minimum_pre_commit_version",
             "args", "stages", "alias"}


def _scalar(text: str):
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [item.strip() for item in text[1:-1].split(",") if item.strip()]
    return {"true": True, "false": False}.get(text, text)


def _read_hooks(text: str) -> list[dict]:
    """The block-list-of-mappings subset of YAML the hook file is written in."""
    hooks: list[dict] = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        item = raw.startswith("- ")
        assert item or raw.startswith("  "), f"not in the expected layout: {raw!r}"
        key, sep, value = raw[2:].partition(": ")
        assert sep and key.isidentifier(), raw
        if item:
            hooks.append({})
        hooks[-1][key] = _scalar(value)
    return hooks


def test_the_pre_commit_hooks_are_well_formed(capsys, notes):
    import tomllib
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    hooks = _read_hooks(text)
    try:
        import yaml
    except ImportError:
        pass
    else:
        assert yaml.safe_load(text) == hooks
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook) <= HOOK_KEYS, hook
        assert all(isinstance(hook[k], str) and hook[k] for k in ("id", "name", "entry"))
        assert hook["language"] == "python"  # pre-commit pip-installs this repository
        assert hook["entry"].split()[0] in scripts
        re.compile(hook["files"])
        for key in ("types", "types_or", "args", "stages"):
            assert isinstance(hook.get(key, []), list)
        for key in ("pass_filenames", "require_serial", "always_run", "verbose"):
            assert isinstance(hook.get(key, False), bool)
    check = next(h for h in hooks if h["id"] == "xentsym-check-doc")
    assert check["entry"] == "xentsym check-doc"
    files = re.compile(check["files"])
    for name in ("notes/a.md", "b.qmd", "ch/c.tex", "d.ipynb"):
        assert files.search(name), name
    for name in ("x.py", "y.mdx", "z.texi", "README.md.bak"):
        assert not files.search(name), name
    # what pre-commit runs: the entry, then the staged file names
    assert run(capsys, *check["entry"].split()[1:], notes / "good.md", notes / "bad.md")[0] == 1
    assert run(capsys, *check["entry"].split()[1:], notes / "good.md")[0] == 0
