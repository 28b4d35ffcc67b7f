"""The package's layout: small modules, and data flowing one way (read -> model -> check -> render).

The import graph is read from the source with :mod:`ast` (nothing is imported): every
``import`` and ``from ... import`` anywhere in a module, at its top or inside a function,
is an edge, relative imports resolved; importing ``xentsym.a.b`` also runs the package
``xentsym.a`` (the root package ``xentsym`` is left out: it loads the engine lazily).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "xentsym"
MAX_LINES = 420  # the "~400 lines" of the design

MODEL = ("derivation", "relations", "rules", "formulas", "functions", "notation", "domains",
         "conditions", "substitution", "bound")
READERS = ("xentsym.read", "xentsym.parse")
CHECKERS = ("xentsym.check",)

# Known edges against the rules, each with its reason. An edge listed here is left out of the
# graph; a listed edge that is gone fails test_known_exceptions_are_still_needed, so that the
# list only shrinks.
KNOWN_EXCEPTIONS: set = set()  # none: the display hooks register from render/jupyter.py


# --------------------------------------------------------------------------- the graph

def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    """Dotted name -> file of every module under `root` (a package's name for its __init__)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return name in modules and modules[name].name == "__init__.py"


def imports_of(name: str, source: str, modules: dict[str, Path]) -> set[str]:
    """The modules of `modules` that the source of module `name` imports."""
    package = name if _is_package(name, modules) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    out = set()
    for target in found:
        while target and target not in modules:  # `from a import name`: `a` itself
            target = target.rpartition(".")[0]
        while target.count(".") >= 1:  # xentsym.a.b also runs xentsym.a
            out.add(target)
            target = target.rpartition(".")[0]
    out.discard(name)
    return out


def import_graph(root: Path = PACKAGE, exceptions=frozenset()) -> dict[str, set[str]]:
    modules = module_names(root)
    graph = {}
    for name, path in modules.items():
        edges = imports_of(name, path.read_text(encoding="utf-8"), modules)
        graph[name] = {t for t in edges if (name, t) not in exceptions}
    return graph


def reachable(graph: dict[str, set[str]], start: str) -> dict[str, list[str]]:
    """Every module `start` imports, directly or not, with one import path to it."""
    paths = {start: [start]}
    todo = [start]
    while todo:
        here = todo.pop()
        for nxt in sorted(graph.get(here, ())):
            if nxt not in paths:
                paths[nxt] = paths[here] + [nxt]
                todo.append(nxt)
    del paths[start]
    return paths


def _under(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(graph, sources, forbidden, transitive: bool) -> list[str]:
    """`source -> ... -> target` for each module under `sources` that reaches `forbidden`."""
    out = []
    for name in sorted(graph):
        if not _under(name, sources):
            continue
        if transitive:
            reached = reachable(graph, name)
        else:
            reached = {t: [name, t] for t in graph[name]}
        out.extend(" -> ".join(path) for target, path in sorted(reached.items())
                   if _under(target, forbidden))
    return out


@pytest.fixture(scope="module")
def graph():
    return import_graph(exceptions=KNOWN_EXCEPTIONS)


# --------------------------------------------------------------------------- sizes

def test_every_module_is_small():
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long.append(f"{path.relative_to(PACKAGE.parent)}: {lines} lines")
    assert not too_long, f"modules over {MAX_LINES} lines (split them by job):\n" + \
        "\n".join(too_long)


# --------------------------------------------------------------------------- one-way flow

def test_the_model_imports_no_renderer_and_no_checker(graph):
    model = tuple(f"xentsym.{m}" for m in MODEL)
    bad = violations(graph, model, ("xentsym.render", "xentsym.verify"), transitive=True)
    assert not bad, "the model must not import render/ or verify:\n" + "\n".join(bad)


def test_the_readers_import_nothing_downstream(graph):
    downstream = ("xentsym.check", "xentsym.render", "xentsym.verify", "xentsym.checkdoc",
                  "xentsym.cli")
    bad = violations(graph, READERS, downstream, transitive=False)
    assert not bad, "read/ and parse must not import these:\n" + "\n".join(bad)


def test_the_checkers_import_no_renderer_and_no_cli(graph):
    bad = violations(graph, CHECKERS, ("xentsym.render", "xentsym.cli"), transitive=False)
    assert not bad, "check/ must not import render/ or the CLI:\n" + "\n".join(bad)


def test_known_exceptions_are_still_needed():
    full = import_graph()
    gone = sorted(edge for edge in KNOWN_EXCEPTIONS if edge[1] not in full.get(edge[0], ()))
    assert not gone, f"these edges are gone; remove them from KNOWN_EXCEPTIONS: {gone}"


# --------------------------------------------------------------------------- the helpers

def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "xentsym"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_graph_resolves_relative_lazy_and_package_imports(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "",
        "rules.py": "from . import notation as nt\n",
        "notation.py": "def show():\n    from .render import html\n",
        "read/__init__.py": "",
        "read/tokens.py": "from ..check.worker import run\nfrom . import trees\n",
        "read/trees.py": "import xentsym.verify\n",
        "check/__init__.py": "",
        "check/worker.py": "from ..render.html.pages import page\n",
        "render/__init__.py": "",
        "render/html/__init__.py": "",
        "render/html/pages.py": "",
        "verify.py": "",
    })
    graph = import_graph(root)
    assert graph["xentsym.rules"] == {"xentsym.notation"}
    assert graph["xentsym.notation"] == {"xentsym.render", "xentsym.render.html"}
    assert graph["xentsym.read.tokens"] == {"xentsym.check", "xentsym.check.worker",
                                            "xentsym.read", "xentsym.read.trees"}
    assert "xentsym.render.html.pages" in graph["xentsym.check.worker"]
    assert violations(graph, ("xentsym.rules",), ("xentsym.render",), transitive=True) == [
        "xentsym.rules -> xentsym.notation -> xentsym.render",
        "xentsym.rules -> xentsym.notation -> xentsym.render.html"]
    assert violations(graph, ("xentsym.rules",), ("xentsym.render",), transitive=False) == []
    assert violations(graph, ("xentsym.read",), ("xentsym.check", "xentsym.verify"),
                      transitive=False) == [
        "xentsym.read.tokens -> xentsym.check", "xentsym.read.tokens -> xentsym.check.worker",
        "xentsym.read.trees -> xentsym.verify"]
    allowed = import_graph(root, {("xentsym.notation", "xentsym.render"),
                                  ("xentsym.notation", "xentsym.render.html")})
    assert violations(allowed, ("xentsym.rules",), ("xentsym.render",), transitive=True) == []


def test_every_module_compiles_without_warnings():
    # An invalid escape in a docstring ("\s", "\m") is a DeprecationWarning today and a
    # SyntaxError in a later Python; such docstrings are raw strings.
    import warnings
    for path in sorted(PACKAGE.rglob("*.py")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
