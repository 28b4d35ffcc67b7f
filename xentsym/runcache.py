"""Whole ``verify`` runs kept on disk: a warm run replays its report without loading SymPy.

The step cache (``cache.py``) still runs every derivation script to learn the steps, and
that needs SymPy. A run entry skips even that. Its key hashes what the run was asked and
what it was given: the paths and every ``.py`` file under them (scripts and private
helpers alike), the options that decide verdicts, the working folder, the ``XENTSYM_*``
settings, all of xentsym's sources and the installed versions of SymPy, NumPy, mpmath
and latex2sympy2. On top of the key, an entry lists every other file the run read while
it loaded the scripts and checked the steps (modules a script imported from elsewhere,
data files it opened: recorded with an audit hook) with the hash of its bytes, and is
used only while each of those files still hashes the same, as mypy's incremental cache
checks a module's dependencies.

Only runs whose every verdict was finished are stored (no symbolic timeout, no worker that
died), as for steps. Not tracked: what a script takes from the clock, the network,
random numbers or environment variables other than ``XENTSYM_*``; a script whose
derivations depend on those must be run with ``--no-cache``.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from contextlib import contextmanager
from pathlib import Path

from .cache import write_atomic
from .fingerprint import LIBRARIES, file_hash, sources, versions

FORMAT = "1"  # bump when the layout of an entry changes
_OWN_SETTING = "XENTSYM_CACHE_DIR"  # where the cache is, not what it holds

_RECORDING: list[dict] = []  # the recordings open now: path -> its stat when first read


def _signature(path: str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


_LISTING = "listing:"  # the key of a folder's listing among the recorded files


_UNLISTED: set = set()  # folders left out of listings: the cache (written by the run)


def _listing(path: str) -> str | None:
    """A hash of the names in a folder (None: not a readable folder), without the bytecode
    folder and the cache, which the run itself may create there."""
    try:
        names = sorted(n for n in os.listdir(path) if n != "__pycache__"
                       and os.path.join(path, n) not in _UNLISTED)
    except OSError:
        return None
    return hashlib.sha256("\0".join(names).encode()).hexdigest()


def _audit(event: str, args: tuple) -> None:
    if not _RECORDING or not args or not isinstance(args[0], (str, bytes, os.PathLike, type(None))):
        return
    if event == "open" and args[0] is not None:
        # absolute now: a script may change the working folder after it opened the file
        path = os.path.abspath(_source_of(os.fsdecode(args[0])))
        for files in _RECORDING:
            if path not in files:
                files[path] = _signature(path)
    elif event in ("os.listdir", "os.scandir"):  # glob, Path.iterdir, what a script lists
        key = _LISTING + os.path.abspath(os.fsdecode(args[0] if args[0] is not None else "."))
        for files in _RECORDING:
            if key not in files:
                files[key] = None  # first: taking the listing lists the folder again
                files[key] = _listing(key[len(_LISTING):])


_HOOKED = False


@contextmanager
def recording():
    """The files opened or imported inside the block, each with its modification time and
    size when first read (an audit hook: it sees the ``open`` of any library as well as
    Python's own)."""
    global _HOOKED
    if not _HOOKED:  # an audit hook cannot be removed: one, for the process, fed by a list
        sys.addaudithook(_audit)
        _HOOKED = True
    files: dict[str, tuple | None] = {}
    before = set(sys.modules)
    _RECORDING.append(files)
    try:
        yield files
    finally:
        _RECORDING.remove(files)
        for name in set(sys.modules) - before:  # a module loaded from a .pyc names its source
            origin = getattr(sys.modules.get(name), "__file__", None)
            if origin and origin not in files:
                files[origin] = _signature(origin)


def _covered_roots(cache_dir: Path) -> tuple[tuple[str, ...], ...]:
    """(folders whose files the key covers already or that hold no input, folders inside
    those that do not count as covered, the keyed libraries' folders among the latter). Covered: xentsym, the keyed libraries, the
    standard library, the cache, the kernel's virtual files. Not covered: site-packages,
    which the standard library's folder holds on many systems (what else is installed
    there stays a recorded dependency)."""
    roots = {str(Path(__file__).resolve().parent), str(cache_dir.resolve()),
             "/proc", "/dev", "/sys"}
    libraries = set()
    for name in LIBRARIES:
        module = sys.modules.get(name)
        libraries.update(str(Path(p).resolve()) for p in getattr(module, "__path__", ()))
    paths = sysconfig.get_paths()
    roots.update(str(Path(paths[kind]).resolve()) for kind in ("stdlib", "platstdlib"))
    installed = {str(Path(paths[kind]).resolve()) for kind in ("purelib", "platlib")}
    import site
    installed.update(str(Path(p).resolve()) for p in
                     [*getattr(site, "getsitepackages", lambda: [])(), site.getusersitepackages()])
    return (tuple(roots | libraries), tuple(installed - libraries),
            tuple(f for f in libraries if _under(f, installed)))


def _under(path: str, folders) -> bool:
    return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


def _covered(path: str, roots: tuple) -> bool:
    covering, installed, libraries = roots
    if _under(path, libraries):
        return True
    return _under(path, covering) and not _under(path, installed)


def _source_of(path: str) -> str:
    """A cached bytecode file's source: what the import depends on (a .pyc is written
    during the run that first imports its module, and is stale, not changed, after an edit)."""
    if path.endswith(".pyc") and "__pycache__" in path:
        from importlib.util import source_from_cache
        try:
            return source_from_cache(path)
        except ValueError:
            return path
    return path


def _now(key: str):
    """What a recorded dependency is now: a file's signature, or a folder's listing."""
    if key.startswith(_LISTING):
        return _listing(key[len(_LISTING):])
    return _signature(key)


def _digest(key: str) -> str | None:
    """What an entry stores of a dependency: a file's hash, or a folder's listing hash."""
    if key.startswith(_LISTING):
        return _listing(key[len(_LISTING):])
    return file_hash(key)


def dependencies(files: dict, cache_dir: Path) -> dict[str, str | None] | None:
    """The recorded files and folder listings the key does not cover, each with the hash
    of its bytes (names) now; None when one of them changed since it was read."""
    roots = _covered_roots(cache_dir)
    out: dict[str, str | None] = {}
    for key, seen in files.items():
        path = key[len(_LISTING):] if key.startswith(_LISTING) else key
        if _covered(path, roots) or (key is path and os.path.isdir(path)):
            continue
        if _now(key) != seen:
            return None
        out[key] = _digest(key)
    return dict(sorted(out.items()))


def run_key(paths, options: dict) -> str:
    """The hex key of one ``verify`` run: its inputs as named, the options that decide
    verdicts, the settings, and the code that computes them."""
    parts = [FORMAT, versions(), sources(), os.getcwd(), json.dumps(options, sort_keys=True)]
    parts += sorted(f"{k}={v}" for k, v in os.environ.items()
                    if k.startswith("XENTSYM_") and k != _OWN_SETTING)
    for raw in paths:
        path = Path(raw)
        if path.is_dir():  # every .py below: a new script, or a helper the scripts import
            parts.append(f"folder {raw} {path.resolve()}")
            parts += [f"{p} {file_hash(p)}" for p in sorted(path.rglob("*.py"))]
        else:
            parts.append(f"file {raw} {path.resolve()} {file_hash(path)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class RunCache:
    """The run entries of one cache folder: ``runs/v<FORMAT>/<key[:2]>/<key>.json``."""

    def __init__(self, folder, key: str):
        self.folder, self.key = Path(folder), key
        _UNLISTED.add(os.path.abspath(folder))
        self.path = self.folder / "runs" / f"v{FORMAT}" / key[:2] / f"{key}.json"

    def get(self) -> dict | None:
        """The stored run, if its key matches and every file it read is unchanged."""
        try:
            entry = json.loads(self.path.read_text(encoding="utf-8"))
            if entry.get("key") != self.key:
                return None
            deps = entry["dependencies"]
            if any(_digest(key) != digest for key, digest in deps.items()):
                return None
            if not isinstance(entry["derivations"], list) or not isinstance(
                    entry["errors"], list) or not isinstance(entry["messages"], list):
                return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # missing or damaged: the run is done again
        for d in entry["derivations"]:  # what the report says of steps read from a cache
            for step in d["steps"]:
                step.update(cached=True, seconds=0.0)
        return entry

    def put(self, derivations: list[dict], errors: list[dict], messages: list[str],
            files: dict, key_now: str) -> bool:
        """Store a finished run; False when it is not stored: an input changed while it ran
        (``key_now``, the key taken again at the end, differs), or the disk refused."""
        deps = dependencies(files, self.folder)
        if deps is None or key_now != self.key:
            return False
        entry = {"key": self.key, "dependencies": deps,
                 "derivations": derivations, "errors": errors, "messages": messages}
        return write_atomic(self.path, json.dumps(entry, ensure_ascii=False))


__all__ = ["RunCache", "run_key", "recording", "dependencies"]
