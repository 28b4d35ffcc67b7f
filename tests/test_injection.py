"""Untrusted input never reaches eval: hostile LaTeX and documents are read, not run.

Payloads that would create a marker file if evaluated are hidden wherever text enters
xentsym: in ``\\text{}``, macro names, hint comments, symbol names and subscripts,
environment names, bare math, LaTeX files. They go through ``xentsym.parse`` and
``check_document`` while spies watch ``eval``, ``exec``, ``sympify``, ``parse_expr`` and
``parse_latex`` (in the forked checker too: the spies log to a file). The marker file is
never created, no spied function receives the payload or any 4-character piece of the
document (library strings of fixed shape -- lambdify's import lines, dataclass and
namedtuple code -- are recognised and checked separately), and ``lambdify`` only ever
sees generated placeholder names ``_x0, _x1, ...``.
"""
from __future__ import annotations

import builtins
import json
import os
import re
import sys

import mpmath
import numpy
import pytest
import sympy
import sympy.parsing.latex
import sympy.parsing.sympy_parser

from xentsym.checkdoc import check_document
from xentsym.errors import XentsymError
from xentsym.parse import parse, parse_chain, parse_objective, parse_relation
from xentsym.verify import Options

OPTIONS = Options(samples=60, timeout=10)
MARKERS = ("PWNED", "__import__", "os.system", "subprocess", "xqzzy")


def payloads(marker) -> list[str]:
    marker = str(marker)
    cmd = f"__import__('os').system('touch {marker}')"
    return [
        rf"\text{{{cmd}}} + 1",
        rf"\__import__('os').system('touch {marker}')",
        rf"\xqzzy{{{cmd}}}",
        rf"x_{{{cmd}}}",
        r"z_{__import__} + \mathrm{os}",
        rf"\mathrm{{{cmd}}}(x)",
        rf"\operatorname{{{cmd}}}(x)",
        rf"\begin{{{cmd}}} x \end{{{cmd}}}",
        cmd,
        rf"{cmd} = 1",
        rf"\frac{{{cmd}}}{{2}}",
        rf"\sum_{{{cmd}}}^{{N}} y_i",
        rf"\log_{{{cmd}}} 2",
        rf"y^{{({cmd})}}",
        rf"\hat{{{cmd}}}",
        rf"\mathcal{{L}}(\theta; {cmd})",
        r"x.\_\_class\_\_.\_\_bases\_\_",
        "lambda: __import__('subprocess').call(['touch', '" + marker + "'])",
        rf"\arg\max_{{{cmd}}} \log p(x_i)",
    ]


def documents(marker) -> dict[str, str]:
    marker = str(marker)
    cmd = f"__import__('os').system('touch {marker}')"
    hints = "\n\n".join([
        "# Notes with hostile hints",
        f"<!-- xentsym: z_{{os}} = {cmd} -->",
        f"<!-- xentsym: {cmd} = 1 -->",
        r"$$z_{os} = z_{os}$$",
    ]) + "\n"
    md = "\n\n".join([
        "# Notes with hostile formulas",
        r"<!-- xentsym: z_{import} = \mathrm{os} -->",
        r"$$\mathrm{os} \cdot z_{import} = z_{import} \cdot \mathrm{os}$$",
        r"$$\mathrm{os} + z_{import} = 2 \mathrm{os} + z_{import} - \mathrm{os} + 1$$",
        *[f"$${p} = {p}$$" for p in payloads(marker)],
        rf"$$H(p,q) = -\sum_{{i=1}}^n p(x_i) \log q(x_i) = {cmd}$$",
        rf"$$\begin{{aligned}} \text{{{cmd}}} &= 1 \\ &= 2 \end{{aligned}}$$",
    ]) + "\n"
    tex = "\n".join([
        r"\documentclass{article}",
        r"\begin{document}",
        f"% {cmd}",
        r"\begin{equation}",
        rf"\mathrm{{os}} + \text{{{cmd}}} = 1",
        r"\end{equation}",
        r"\begin{align}",
        rf"x_{{{cmd}}} &= \__import__ \\ &= z_{{import}}",
        r"\end{align}",
        r"\end{document}",
    ]) + "\n"
    return {"hostile.md": md, "hostile-hints.md": hints, "hostile.tex": tex}


# --- the spies ---------------------------------------------------------------------------------

class Spies:
    """Wrap the dangerous entry points; every string argument is logged to a file (JSON lines),
    which the forked checker process appends to as well."""

    TARGETS = [
        (builtins, "eval"), (builtins, "exec"), (sympy, "sympify"),
        (sys.modules["sympy.core.sympify"], "sympify"), (sympy, "parse_expr"),
        (sympy.parsing.sympy_parser, "parse_expr"), (sympy.parsing.latex, "parse_latex"),
    ]

    def __init__(self, monkeypatch, log_path):
        self.log = log_path
        originals = {}
        for module, name in self.TARGETS:
            if hasattr(module, name):
                originals[(module, name)] = getattr(module, name)
        # ``from sympy import sympify`` binds the name in other modules: patch those too.
        by_function = {}
        for (module, name), fn in originals.items():
            by_function.setdefault(id(fn), (name, fn))
        for mod in list(sys.modules.values()):
            for fid, (name, fn) in by_function.items():
                if name in ("eval", "exec") or mod is None:
                    continue
                try:
                    bound = getattr(mod, name, None) is fn
                except Exception:  # modules with lazy attributes
                    continue
                if bound:
                    monkeypatch.setattr(mod, name, self._wrap(name, fn), raising=False)
        monkeypatch.setattr(builtins, "eval", self._wrap("eval", originals[(builtins, "eval")],
                                                         frames=True))
        monkeypatch.setattr(builtins, "exec", self._wrap("exec", originals[(builtins, "exec")],
                                                         frames=True))
        lambdify = sympy.lambdify
        monkeypatch.setattr(sympy, "lambdify", self._lambdify_spy(lambdify))

    def _record(self, entry: dict) -> None:
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def _wrap(self, name, fn, frames=False):
        def spy(source, *args, **kwargs):
            if isinstance(source, str):
                self._record({"fn": name, "arg": source, "pid": os.getpid()})
            if frames and not args and "globals" not in kwargs:
                caller = sys._getframe(1)  # keep eval/exec's default namespaces working
                args = (caller.f_globals, caller.f_locals)
            return fn(source, *args, **kwargs)
        return spy

    def _lambdify_spy(self, lambdify):
        def spy(args, expr, *rest, **kwargs):
            flat = args if isinstance(args, (list, tuple)) else [args]
            names = [str(a) for a in flat]
            self._record({"fn": "lambdify", "args": names, "pid": os.getpid()})
            return lambdify(args, expr, *rest, **kwargs)
        return spy

    def records(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]


# Library strings of a fixed shape that contain no document text (checked below).
_IMPORT_LINE = re.compile(r"^(import (numpy|mpmath)(; from [\w.]+ import \*)*"
                          r"|from (numpy|mpmath|math)(\.\w+)? import (\*|[\w, ]+))$")
_DATACLASS = re.compile(r"^def __create_fn__\(")
_NAMEDTUPLE = re.compile(r"^lambda _cls, [\w, ]+: _tuple_new\(_cls, \([\w, ]+\)\)$")
_NUMPY_LAMBDA = "lambda v,f=f:not f(v)"


def _grams(text: str, size: int = 4) -> set:
    return {text[k:k + size] for k in range(len(text) - size + 1)}


def assert_clean(spies: Spies, document_text: str) -> None:
    grams = _grams(document_text)
    for rec in spies.records():
        if rec["fn"] == "lambdify":
            continue
        arg = rec["arg"]
        assert not any(m in arg for m in MARKERS), rec
        if rec["fn"] in ("sympify", "parse_expr", "parse_latex"):
            # xentsym never hands text to SymPy's parsers; SymPy itself may sympify tiny
            # constant strings internally, never a piece of the document.
            assert not (_grams(arg) & grams), rec
            continue
        match = _IMPORT_LINE.match(arg)
        if match:
            names = re.findall(r"\w+", arg.split("import", 1)[1]) if "from" in arg else []
            for name in names:  # imported names come from lambdify's printer tables
                assert any(hasattr(m, name) for m in (numpy, mpmath, __import__("math"))), rec
            continue
        if _DATACLASS.match(arg) or _NAMEDTUPLE.match(arg) or arg == _NUMPY_LAMBDA:
            continue
        assert not (_grams(arg) & grams), rec


def assert_lambdify_saw_placeholders(spies: Spies, expect_calls: bool = True) -> None:
    calls = [r for r in spies.records() if r["fn"] == "lambdify"]
    if expect_calls:
        assert calls, "lambdify was never called: the check is vacuous"
    for rec in calls:
        for name in rec["args"]:
            assert re.fullmatch(r"_x\d+", name), rec


@pytest.fixture()
def marker(tmp_path):
    path = tmp_path / "PWNED"
    global_marker_existed = os.path.exists("/tmp/PWNED")
    yield path
    assert not path.exists(), "a payload was executed"
    if not global_marker_existed:
        assert not os.path.exists("/tmp/PWNED"), "a payload was executed"


@pytest.fixture()
def spies(monkeypatch, tmp_path, warm):
    return Spies(monkeypatch, tmp_path / "spy.log")


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """Run one harmless document first, so that lazy imports and one-off code generation
    (which legitimately use exec) happen before the spies are installed."""
    path = tmp_path_factory.mktemp("warm") / "warm.md"
    path.write_text("$$\\log(a b) = \\log a + \\log b$$\n\n$$x + 1 = 1 + x$$\n")
    check_document(str(path), OPTIONS)
    parse_objective(r"\arg\max_{\theta} \log p(x_i)")


# --- the tests -----------------------------------------------------------------------------------

def test_hostile_latex_is_read_or_refused_never_run(spies, marker):
    texts = payloads(marker)
    for text in texts:
        for reader in (parse, parse_chain, parse_relation, parse_objective):
            try:
                reader(text, file="hostile.tex", line=1, column=1)
            except XentsymError as exc:
                assert exc.line is not None and exc.column is not None, (text, exc)
    assert_clean(spies, "\n".join(texts))


@pytest.mark.parametrize("name", ["hostile.md", "hostile-hints.md", "hostile.tex"])
def test_hostile_documents_are_checked_never_run(spies, marker, tmp_path, name):
    text = documents(marker)[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    try:
        report = check_document(str(path), OPTIONS)
    except XentsymError as exc:  # a refused hint is a located error, never a traceback
        assert exc.file == str(path) and exc.line is not None, exc
    else:
        if name == "hostile-hints.md":  # a hint that cannot be read is reported, located
            assert report.errors and all(line >= 1 and col >= 1
                                         for line, col, _ in report.errors)
            assert not report.ok()
        else:
            assert report.summary()["unparsed"] > 0
        assert report.steps, "nothing was read"
    assert_clean(spies, text)
    assert_lambdify_saw_placeholders(spies, expect_calls=False)


def test_lambdify_only_sees_placeholder_names(spies, marker, tmp_path):
    # Symbols named like Python modules and keywords, checked numerically (true and false
    # steps, so the high-precision re-evaluation compiles code as well).
    text = "\n\n".join([
        r"$$\mathrm{os} \cdot z_{import} = z_{import} \cdot \mathrm{os}$$",
        r"$$\mathrm{os} + z_{import} = 2 \mathrm{os} + z_{import}$$",
        r"$$\mathrm{eval}^{2} = \mathrm{eval} \cdot \mathrm{eval}$$",
        r"$$z_{lambda} \log \beta = \log \beta^{z_{lambda}}$$",
        r"$$\mathrm{sys} + (z_{exec} + 10^{10})^{2} - (z_{exec} - 10^{10})^{2}"
        r" = \mathrm{sys} + 4 \cdot 10^{10} z_{exec}$$",
    ]) + "\n"
    path = tmp_path / "odd-names.md"
    path.write_text(text, encoding="utf-8")
    report = check_document(str(path), OPTIONS)
    statuses = [s.status for s in report.steps]
    assert "verified" in statuses and "refuted" in statuses, report.text()
    assert_lambdify_saw_placeholders(spies)
    assert_clean(spies, text)


def test_the_spies_would_notice(spies, tmp_path):
    # The harness is not vacuous: text handed to sympify or eval is caught.
    sympy.sympify("xqzzy + 1")
    eval("1 + 1")
    with pytest.raises(AssertionError):
        assert_clean(spies, "xqzzy + 1")
