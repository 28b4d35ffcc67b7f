"""A pytest plugin: each derivation in a derivation script becomes one pytest item.

Registered through the ``pytest11`` entry point (name ``xentsym``), so it loads in every
pytest session once xentsym is installed; ``-p no:xentsym`` turns it off.

It is inert until pytest visits a derivation script (see :func:`is_derivation_script`): a
``.py`` file inside one of the folders of the ini option ``xentsym_paths`` (by default
``derivations`` in the rootdir, or any ``derivations`` folder named on the command line).
The plugin loads the script with :func:`xentsym.discover.load_script` and collects one
:class:`DerivationItem` per :class:`~xentsym.derivation.Derivation`. The other collectors
(the Python module collector for a file named on the command line, ``--doctest-modules``)
are kept away from those files, so a script runs exactly once per session.

So ``pytest derivations/`` (or ``pytest derivations/kl_split.py``) checks derivations,
while a plain ``pytest`` checks them only when ``testpaths`` (or the arguments) lead it
into a derivation folder: in this repository ``testpaths`` is ``tests`` and ``xentsym``,
so the test suite does not verify the derivations a second time.

An item runs :func:`xentsym.verify.check_step` on every step, the symbolic half in a
:class:`xentsym.check.worker.Worker` process (one per pytest process, started on first
use and closed when the session ends), and fails unless every step is ``verified``.
Under pytest-xdist each xdist worker has its own.
"""
from __future__ import annotations

import ast
import fnmatch
import json
import linecache
import os
from pathlib import Path

import pytest

MARKER = "xentsym"
DEFAULT_PATHS = ("derivations",)
_SESSION = pytest.StashKey["_Checking"]()
_NAMES = pytest.StashKey[dict]()
_SETTINGS_KEY = pytest.StashKey[dict]()
_FOLDERS = pytest.StashKey[list]()


# --- options -----------------------------------------------------------------------------

def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise ValueError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise ValueError(f"must be at least 1, not {value}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise ValueError(f"not a whole number: {text!r}") from None


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"not a number: {text!r}") from None
    if not value > 0:
        raise ValueError(f"must be positive, not {text}")
    return value


# (command-line flag, ini name, converter, help)
_SETTINGS = (
    ("--xentsym-samples", "xentsym_samples", _positive_int,
     "numeric samples per derivation step (default 1000)"),
    ("--xentsym-seed", "xentsym_seed", _int, "random seed of the numeric check (default 0)"),
    ("--xentsym-timeout", "xentsym_timeout", _positive_float,
     "seconds allowed for each symbolic check (default 5)"),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("xentsym", "xentsym derivations")
    for flag, ini, _, text in _SETTINGS:
        group.addoption(flag, dest=ini, default=None, metavar="VALUE", help=text)
        parser.addini(ini, f"{text}; {flag} overrides it", type="string", default="")
    parser.addini("xentsym_paths", "folders (relative to the ini file) whose .py files are "
                  "xentsym derivation scripts (default: derivations)", type="paths",
                  default=[])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a derivation checked by xentsym")
    config.stash[_NAMES] = {}
    config.stash[_SETTINGS_KEY] = settings(config)  # bad values: a usage error, at once


def settings(config: pytest.Config) -> dict:
    """The checking options given on the command line (first) or in the ini file.

    Returns keyword arguments for :class:`xentsym.verify.Options`; what is not given keeps
    that class's default.
    """
    values = {}
    for flag, ini, convert, _ in _SETTINGS:
        raw, source = config.getoption(ini), flag
        if raw is None:
            raw, source = config.getini(ini), ini
        if raw is None or not str(raw).strip():
            continue
        try:
            values[ini.removeprefix("xentsym_")] = convert(str(raw).strip())
        except ValueError as exc:
            raise pytest.UsageError(f"{source}: {exc}") from None
    return values


class _Checking:
    """What the items of one pytest process share: the options and one worker process."""

    def __init__(self, config: pytest.Config):
        from .verify import Options

        self.options = Options(**config.stash[_SETTINGS_KEY])
        self._worker = None

    @property
    def worker(self):
        if self._worker is None:
            from .check.worker import Worker
            self._worker = Worker()
        return self._worker

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None


def _checking(config: pytest.Config) -> _Checking:
    if _SESSION not in config.stash:
        config.stash[_SESSION] = _Checking(config)
    return config.stash[_SESSION]


def _close(config: pytest.Config) -> None:
    checking = config.stash.get(_SESSION, None)
    if checking is not None:
        checking.close()


def pytest_sessionfinish(session: pytest.Session) -> None:
    _close(session.config)  # the worker process ends with the session


def pytest_unconfigure(config: pytest.Config) -> None:
    _close(config)  # in case the session broke off before it finished


# --- collection --------------------------------------------------------------------------

def _absolute(path) -> Path:
    return Path(os.path.abspath(path))


def _inside(path: Path, folder: Path) -> bool:
    return path.is_relative_to(folder) or path.resolve().is_relative_to(folder.resolve())


def derivation_folders(config: pytest.Config) -> list[tuple[Path, bool]]:
    """The folders whose scripts are derivation scripts, each with whether it was configured.

    The folders of the ini option ``xentsym_paths`` (relative to the ini file), or else
    ``derivations`` in the rootdir; and, so that ``pytest path/to/derivations`` works from
    anywhere, every folder with the same name as one of those that holds (or is) a path
    given on the command line.
    """
    if _FOLDERS in config.stash:
        return config.stash[_FOLDERS]
    configured = [_absolute(p) for p in config.getini("xentsym_paths")]
    folders = [(p, True) for p in configured] or \
        [(_absolute(config.rootpath / p), False) for p in DEFAULT_PATHS]
    names = {p.name for p, _ in folders}
    for arg in config.args:
        path = _absolute(config.invocation_params.dir / arg.split("::")[0])
        for candidate in (path, *path.parents):
            if candidate.name in names:
                if all(candidate != p for p, _ in folders):
                    folders.append((candidate, False))
                break
    config.stash[_FOLDERS] = folders
    return folders


def _mentions_xentsym(path: Path) -> bool:
    try:
        return "xentsym" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def is_derivation_script(file_path: Path, config: pytest.Config) -> bool:
    """Whether pytest should treat ``file_path`` as a derivation script.

    A public ``.py`` file inside one of :func:`derivation_folders`, except ``conftest.py``
    and files that match ``python_files`` (``test_*.py``: those stay test modules). In a
    folder found by default rather than configured, the file must also mention xentsym, so
    a project that merely has a ``derivations/`` folder of its own is left alone.
    """
    name = file_path.name
    if file_path.suffix != ".py" or name.startswith("_") or name == "conftest.py":
        return False
    if any(fnmatch.fnmatch(name, pattern) for pattern in config.getini("python_files")):
        return False
    here = _absolute(file_path)
    for folder, configured in derivation_folders(config):
        if _inside(here, folder):
            return configured or _mentions_xentsym(here)
    return False


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    collected = yield
    if not is_derivation_script(file_path, parent.config):
        return collected
    # Replace whatever else claimed the script (a Module when it is named on the command
    # line, a DoctestModule under --doctest-modules): neither has imported it yet, and the
    # script should run once, here.
    return [DerivationFile.from_parent(parent, path=file_path)]


def _shown(path) -> str:
    """A path relative to the current folder when it is below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


class DerivationFile(pytest.File):
    """A derivation script; its items are the derivations it defines, in script order."""

    def collect(self):
        from .discover import load_script
        from .errors import XentsymError

        try:
            derivations = load_script(self.path)
        except XentsymError as exc:
            where = ":".join(str(x) for x in (_shown(exc.file or self.path), exc.line,
                                               exc.column) if x is not None)
            raise self.CollectError(f"{where}: error: {' '.join(exc.message.split())}") \
                from None
        names = self.config.stash.setdefault(_NAMES, {})
        for d in derivations:
            line = _derivation_line(d, self.path)
            seen = names.get(d.name)
            if seen is not None and seen != (self.path, line):
                raise self.CollectError(
                    f"{_shown(self.path)}:{line}: error: derivation name {d.name!r} is "
                    f"used twice (also at {_shown(seen[0])}:{seen[1]})")
            names[d.name] = (self.path, line)
            item = DerivationItem.from_parent(self, name=d.name, derivation=d, line=line)
            item.add_marker(MARKER)
            yield item


def _derivation_line(d, path: Path) -> int:
    """The script line on which ``d`` is created (1-based)."""
    file, line = d.origin
    if line and file and os.path.abspath(file) == os.path.abspath(path):
        return line
    # Fall back on the source: the Derivation(...) call whose first argument is the name.
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        tree = None
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args \
                    and isinstance(node.args[0], ast.Constant) and node.args[0].value == d.name:
                return node.lineno
    steps = [s.origin[1] for s in d.steps if s.origin[1]]
    return min(steps) if steps else 1


class DerivationFailed(Exception):
    """Raised by :meth:`DerivationItem.runtest` with the results of the steps not verified."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} step(s) not verified")
        self.problems = problems


class DerivationItem(pytest.Item):
    """One derivation: passes when every step is verified symbolically and numerically."""

    def __init__(self, *, derivation, line: int, **kwargs):
        super().__init__(**kwargs)
        self.derivation = derivation
        self.line = line

    def runtest(self) -> None:
        from .verify import check_step

        checking = _checking(self.config)
        d = self.derivation
        results = [check_step(s, d.scope, checking.options, checking.worker) for s in d.steps]
        problems = [r for r in results if r.status != "verified"]
        if problems:
            raise DerivationFailed(problems)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, DerivationFailed):
            d = self.derivation
            where = "; ".join(f"{_shown(r.step.origin[0])}:{r.step.origin[1]}: step "
                              f"{r.step.index} {r.status}" for r in excinfo.value.problems)
            blocks = [f"{where}\n{d.name} ({d.title}): {len(excinfo.value.problems)} of "
                      f"{len(d.steps)} steps not verified"]
            blocks += [describe(r) for r in excinfo.value.problems]
            return "\n\n".join(blocks)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, self.line - 1, f"derivation {self.derivation.name}"


# --- failure report ----------------------------------------------------------------------

def _number(x) -> str:
    return f"{x:.10g}" if isinstance(x, float) else json.dumps(x)


def _values(values) -> str:
    if isinstance(values, dict):
        return ", ".join(f"{k} = {json.dumps(v)}" for k, v in values.items())
    return json.dumps(values)


def describe(r) -> str:
    """A failed step in pytest's style: the script line, ``E`` lines, then ``file:line``."""
    import sympy as sp

    file, line = r.step.origin
    out = []
    source = linecache.getline(file, line).rstrip() if file and line else ""
    if source:
        out.append(f">   {source.strip()}")
    step = r.step
    out.append(f"E   step {step.index} {r.status}: {step.relation_key} by rule "
               f"{step.rule!r} ({step.justification()})")
    out.append(f"E     lhs: {sp.sstr(step.before)}")
    out.append(f"E     rhs: {sp.sstr(step.after)}")
    if step.given:
        out.append("E     given: " + ", ".join(f"{sp.sstr(a)} = {sp.sstr(b)}"
                                               for a, b in step.given))
    sym = r.symbolic
    out.append(f"E     symbolic: {sym.status}"
               + (f": {sym.message or sym.certificate}" if sym.message or sym.certificate
                  else ""))
    num = r.numeric
    out.append(f"E     numeric: {num.status} ({num.samples} samples)"
               + (f": {num.message}" if num.message else ""))
    witness = num.counterexample
    if witness is not None:
        out.append("E     counterexample:")
        for key, value in witness.items():
            if isinstance(value, dict):
                shown = _values(value)
            elif isinstance(value, list):
                shown = ", ".join(_number(v) for v in value)
            else:
                shown = _number(value)
            out.append(f"E       {'at' if key == 'values' else key + ' ='} {shown}")
    out.append("")
    out.append(f"{_shown(file)}:{line}: step {step.index} {r.status}")
    return "\n".join(out)
