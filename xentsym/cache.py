"""Step verdicts kept on disk, keyed by a hash of everything they depend on.

The key hashes both sides, the relation, the definitions and specialisations in force, the
parameters of an optimiser step, the certificate of an inequality, every declaration of the
scope (symbol, domain, index sizes), the number of samples and the seed, and the code that
decides: the xentsym source files on the check path, and the versions of SymPy, NumPy, mpmath and
Python. Expressions enter the key as ``srepr`` writes them (every symbol's assumptions
spelled out), never as pickles. The time budget is not part of the key because only verdicts
the worker finished are stored: a symbolic timeout, or a worker that died or ran out of
memory, is checked again next time.

Entries are JSON files written atomically (a temporary file, then a rename), so parallel
runs can share a folder. An entry that cannot be read back exactly, or whose stored key
differs, is ignored and the step checked again.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
from dataclasses import fields
from pathlib import Path

ENV_DIR = "XENTSYM_CACHE_DIR"  # where the cache lives when --cache-dir is not given
DEFAULT_DIR = ".xentsym-cache"
FORMAT = "3"  # bump when the layout of an entry changes
# Sources a verdict cannot depend on: they read documents into expressions (which enter the
# key themselves) or print results. verify.check_step never imports them (a test checks
# the import graph), so editing them keeps the cache; any other source change empties it.
OFF_THE_CHECK_PATH = frozenset({
    "render", "read", "document", "cli.py", "report.py", "docreport.py", "jobs.py",
    "paths.py", "pytest_plugin.py", "__main__.py", "checkdoc.py", "docaxes.py",
    "docclaims.py", "docdefs.py", "dochints.py", "docrescue.py", "doctable.py", "parse.py"})


def default_dir() -> Path:
    """``$XENTSYM_CACHE_DIR`` if set, else ``.xentsym-cache`` in the current folder."""
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)


def chosen_folder(args) -> str | None:
    """The cache folder a command's ``--no-cache``/``--cache-dir`` choose (None: none)."""
    return None if args.no_cache else str(args.cache_dir or default_dir())


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of the xentsym sources on the check path and the versions of what computes
    a verdict."""
    from .fingerprint import sources, versions
    return hashlib.sha256(f"{FORMAT}|{versions()}|{sources(OFF_THE_CHECK_PATH)}".encode()
                          ).hexdigest()


_DUMMY = re.compile(r"dummy_index=\d+")


def stable(obj) -> str:
    """``srepr`` with Dummy symbols numbered by first appearance (their global counter
    differs from run to run, their identity within the key does not)."""
    return _renumber(_srepr(obj))


def _srepr(obj) -> str:
    import sympy as sp  # here, not at the top: the cache folder is found without SymPy
    return sp.srepr(obj)


def _named(e) -> str:
    """``srepr`` of a symbol, family, entry or undefined function (whose assumptions
    ``srepr`` leaves out: they are added)."""
    import sympy as sp
    from sympy.core.function import UndefinedFunction
    text = sp.srepr(e)
    if isinstance(e, UndefinedFunction):
        text += repr(sorted(getattr(e, "_kwargs", {}).items()))
    return text


def _structure(obj) -> str:
    """What ``srepr`` says of ``obj``, four times faster: a node is its class and its
    arguments (SymPy's ``e == e.func(*e.args)``), and only what keeps more than its
    arguments (a symbol's assumptions, a family's, a number's precision, an undefined
    function's name) is printed by ``srepr``, each named object once; an undefined
    function's assumptions, which ``srepr`` leaves out, are added."""
    import sympy as sp
    from sympy.core.function import AppliedUndef, UndefinedFunction
    from sympy.logic.boolalg import Boolean
    out: list[str] = []

    def atom(e) -> str:
        if not isinstance(e, (sp.Symbol, sp.IndexedBase, sp.Indexed, sp.Idx,
                              UndefinedFunction)):
            return sp.srepr(e)
        # once per object, by identity (_once), not ==: equal symbols may print differently
        # (positive=True written with or without real=True), and a key must not depend on
        # which came first
        return _once(e, _named)

    def walk(e) -> None:
        if isinstance(e, sp.Basic):
            if e.is_Atom or isinstance(e, (sp.IndexedBase, sp.Idx)) or \
                    not isinstance(e, (sp.Expr, Boolean, sp.Tuple)):
                out.append(atom(e))
                return
            kind = type(e)
            out.append(atom(e.func) if isinstance(e, AppliedUndef)
                       else f"{kind.__module__}.{kind.__qualname__}")
            walk(e.args)
        elif isinstance(e, (tuple, list)):
            out.append("(")
            for a in e:
                walk(a)
                out.append(",")
            out.append(")")
        else:
            out.append(repr(e))
    walk(obj)
    return "".join(out)


def _renumber(text: str) -> str:
    numbers: dict[str, int] = {}

    def number(m):
        return f"dummy_index={numbers.setdefault(m.group(0), len(numbers))}"
    return _DUMMY.sub(number, text)


_SEEN: dict[int, tuple] = {}  # id -> (object, text): the object kept, so its id stays its own


def _once(obj, text_of) -> str:
    """``text_of(obj)``, computed once per object (a step's ``after`` is the next step's
    ``before``; every step of a derivation shares its declarations)."""
    hit = _SEEN.get(id(obj))
    if hit is not None and hit[0] is obj:
        return hit[1]
    if len(_SEEN) > 20_000:
        _SEEN.clear()
    text = text_of(obj)
    _SEEN[id(obj)] = (obj, text)
    return text


def _declaration(d) -> str:
    return f"{_srepr(d.obj)}|{d.domain!r}|{_srepr(tuple(d.over))}"


def step_key(step, scope, options) -> str:
    """The hex key of one step's verdict under ``scope`` and ``options``. Dummy symbols are
    numbered once over the whole key: one Dummy in two places stays one, two stay two."""
    from .conditions import current_scope
    scope = scope if scope is not None else current_scope()
    declarations = sorted((_once(d, _declaration) for d in scope),
                          key=lambda text: _DUMMY.sub("dummy_index", text))
    parts = [code_digest(), f"samples={options.samples}|seed={options.seed}",
             step.relation.key, str(step.sense), _once(step.before, _structure),
             _once(step.after, _structure), _structure(tuple(step.given)),
             _structure(tuple(step.wrt)), _structure(step.certificate), *declarations]
    return hashlib.sha256(_renumber("\n".join(parts)).encode()).hexdigest()


def _encode(sym, num) -> dict:
    # field by field, not asdict: its deep copies cost more than the rest of a cold put
    s = {f.name: getattr(sym, f.name) for f in fields(sym)}
    s["conditions"] = [str(c) for c in sym.conditions]  # SideConditions, kept as their text
    return {"symbolic": s, "numeric": {f.name: getattr(num, f.name) for f in fields(num)}}


def _decode(data: dict):
    from .check.result import NumericResult, SymbolicResult

    def build(cls, raw):
        names = {f.name for f in fields(cls)}
        if not isinstance(raw, dict) or set(raw) != names:
            raise ValueError("not an entry of this format")
        return cls(**{k: tuple(v) if isinstance(v, list) and k != "counterexample" else v
                      for k, v in raw.items()})
    return build(SymbolicResult, data["symbolic"]), build(NumericResult, data["numeric"])


class VerdictCache:
    """One folder of entries ``<key[:1]>/<key>.json``."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        # 16 folders: a cold run creates each once (one per entry cost a mkdir per step)
        return self.folder / f"v{FORMAT}" / key[:1] / f"{key}.json"

    def get(self, key: str):
        """``(SymbolicResult, NumericResult)`` stored for ``key``, or None."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            if data.get("key") != key:
                return None
            return _decode(data)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # missing or damaged: the step is checked again

    def put(self, key: str, sym, num) -> bool:
        """Store a verdict (the caller stores only those the worker finished); False when
        it is not stored: not plain data that reads back equal, or the disk refused."""
        try:
            entry = {"key": key, **_encode(sym, num)}
            text = json.dumps(entry, ensure_ascii=False)
            if _decode(json.loads(text)) != _decode(entry):
                return False
        except (TypeError, ValueError):
            return False
        return write_atomic(self._path(key), text)


def write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` through a temporary file and a rename, so a reader (or a
    parallel run) sees the old file or the new one, never half of it; False when the disk
    refused (a read-only or full disk: the run goes on without storing)."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        return False
    return True


__all__ = ["VerdictCache", "step_key", "default_dir", "chosen_folder", "code_digest", "write_atomic",
           "ENV_DIR"]
