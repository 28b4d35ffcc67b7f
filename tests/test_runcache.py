"""The run cache: a warm ``verify`` replays the report without SymPy, and no change to what
the run read (a script, a helper it imports from elsewhere, a data file, a new script, an
option, a setting) is ever answered from an old entry."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xentsym import runcache

# A script that imports a helper from outside its folder and reads a data file: the claim
# (from the helper) and the exponent (from the data) decide the verdict.
SCRIPT = '''\
"""log of a power, with the claim kept elsewhere."""
import json
import sys
import time
from pathlib import Path

import sympy as sp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lib"))
import claims  # noqa: E402

from xentsym import Derivation  # noqa: E402
from xentsym.notation import beta  # noqa: E402

power = json.loads((HERE.parent / "data.json").read_text())["power"]
d = Derivation("power", "log of a power", sp.log(beta ** power))
d.claim(claims.claimed(beta, power), "the power comes down")
'''
TRUE_CLAIM = "import sympy as sp\n\ndef claimed(x, k):\n    return k * sp.log(x)\n"
FALSE_CLAIM = "import sympy as sp\n\ndef claimed(x, k):\n    return (k + 1) * sp.log(x)\n"

# Run the CLI and say whether SymPy was loaded: a run answered from the cache never is.
PROBE = ("import sys, json; from xentsym.cli import main; code = main(sys.argv[1:]); "
         "print(json.dumps({'code': code, 'sympy': 'sympy' in sys.modules}), file=sys.stderr)")


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "derivations").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "derivations" / "power.py").write_text(SCRIPT)
    (tmp_path / "lib" / "claims.py").write_text(TRUE_CLAIM)
    (tmp_path / "data.json").write_text('{"power": 2}')
    return tmp_path


def run(project: Path, *args: str, env: dict | None = None) -> tuple[dict, dict]:
    """(the JSON report, {"code", "sympy"}) of ``verify derivations`` in ``project``."""
    environ = {**os.environ, "XENTSYM_CACHE_DIR": str(project / "cache"), **(env or {})}
    proc = subprocess.run([sys.executable, "-c", PROBE, "verify", "derivations",
                           "--samples", "200", "--format", "json", *args],
                          cwd=project, env=environ, capture_output=True, text=True, timeout=120)
    probe = json.loads(proc.stderr.strip().splitlines()[-1])
    return json.loads(proc.stdout), probe


def statuses(report: dict) -> list[str]:
    return [s["status"] for d in report["derivations"] for s in d["steps"]]


def test_a_warm_run_replays_the_report_without_sympy(project):
    cold, first = run(project)
    warm, second = run(project)
    assert statuses(cold) == ["verified"] and first == {"code": 0, "sympy": True}
    assert second == {"code": 0, "sympy": False}
    assert all(s["cached"] for d in warm["derivations"] for s in d["steps"])
    for report in (cold, warm):  # the same report, but what says it came from a cache
        for d in report["derivations"]:
            for s in d["steps"]:
                s.pop("cached"), s.pop("seconds")
    assert warm == cold


def test_the_text_report_replays_too(project):
    run(project)
    environ = {**os.environ, "XENTSYM_CACHE_DIR": str(project / "cache")}
    text = subprocess.run([sys.executable, "-m", "xentsym", "verify", "derivations",
                           "--samples", "200"], cwd=project, env=environ,
                          capture_output=True, text=True, timeout=120)
    assert text.returncode == 0
    assert "power — log of a power: verified" in text.stdout
    assert "1 verified, 0 refuted, 0 unproven (1 derivation, 1 step)" in text.stdout


@pytest.mark.parametrize("change, status", [
    # the helper imported from another folder now returns a false claim
    (lambda p: (p / "lib" / "claims.py").write_text(FALSE_CLAIM), "refuted"),
    # the data file the script reads changes the exponent the claim must match
    (lambda p: (p / "data.json").write_text('{"power": 3}'), "verified"),
    # the script itself
    (lambda p: (p / "derivations" / "power.py").write_text(
        SCRIPT.replace("claims.claimed(beta, power)", "power * sp.log(beta) + 1")),
     "refuted"),
])
def test_a_changed_input_is_run_again(project, change, status):
    run(project)
    change(project)
    report, probe = run(project)
    assert probe["sympy"], "an input changed: the run must load and check again"
    assert statuses(report) == [status]


def test_a_new_script_is_run(project):
    run(project)
    (project / "derivations" / "second.py").write_text(
        SCRIPT.replace('Derivation("power"', 'Derivation("power-two"'))
    report, probe = run(project)
    assert probe["sympy"] and len(report["derivations"]) == 2


def test_options_that_decide_verdicts_miss_and_the_format_does_not(project):
    run(project)
    _, other_seed = run(project, "--seed", "7")
    _, same = run(project)
    assert other_seed["sympy"] and not same["sympy"]
    _, setting = run(project, env={"XENTSYM_SOMETHING": "1"})
    assert setting["sympy"]


def test_no_cache_neither_reads_nor_writes(project):
    _, probe = run(project, "--no-cache")
    assert probe["sympy"] and not (project / "cache").exists()
    run(project)
    _, probe = run(project, "--no-cache")
    assert probe["sympy"]


def _slow(*args):  # a symbolic check that runs past its deadline (in the forked worker)
    time.sleep(3)


def test_a_run_with_a_timeout_is_not_stored(project, monkeypatch):
    from xentsym import verify
    from xentsym.cli import main
    monkeypatch.setattr(verify, "symbolic_task", _slow)
    monkeypatch.chdir(project)
    monkeypatch.setenv("XENTSYM_CACHE_DIR", str(project / "cache"))
    assert main(["verify", "derivations", "--samples", "200", "--timeout", "0.5"]) == 1
    assert not list((project / "cache").glob("runs/**/*.json"))
    assert main(["verify", "derivations", "--samples", "200", "--timeout", "0.5"]) == 1


def test_a_damaged_entry_is_ignored(project):
    run(project)
    (entry,) = (project / "cache").glob("runs/**/*.json")
    entry.write_text(entry.read_text()[:40])
    report, probe = run(project)
    assert probe["sympy"] and statuses(report) == ["verified"]


def test_a_file_changed_while_the_run_read_it_is_not_stored(tmp_path):
    data = tmp_path / "data.txt"
    data.write_text("one")
    with runcache.recording() as files:
        data.read_text()
    assert str(data) in files
    deps = runcache.dependencies(files, tmp_path / "cache")
    assert list(deps) == [str(data)]
    data.write_text("two, longer")  # after it was read, before the run is stored
    assert runcache.dependencies(files, tmp_path / "cache") is None
    store = runcache.RunCache(tmp_path / "cache", "k" * 64)
    assert not store.put([], [], [], files, "k" * 64)
    assert store.get() is None


LISTING_SCRIPT = '''\
"""log of a power whose exponent is the number of data files."""
from pathlib import Path

import sympy as sp

from xentsym import Derivation
from xentsym.notation import beta

k = len(list((Path(__file__).resolve().parent.parent / "data").glob("*.txt")))
d = Derivation("listed", "log of a square", sp.log(beta ** 2))
d.claim(k * sp.log(beta), "the power comes down")
'''


def test_a_folder_the_script_lists_is_a_dependency(tmp_path):
    (tmp_path / "derivations").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "derivations" / "listed.py").write_text(LISTING_SCRIPT)
    for name in ("a.txt", "b.txt"):
        (tmp_path / "data" / name).write_text("x")
    report, _ = run(tmp_path)
    assert statuses(report) == ["verified"]  # two files: log(beta^2) = 2 log(beta)
    (tmp_path / "data" / "c.txt").write_text("x")
    report, probe = run(tmp_path)
    assert probe["sympy"] and statuses(report) == ["refuted"]


def test_installed_packages_and_look_alike_paths_are_not_taken_as_covered(tmp_path):
    import sysconfig
    site = Path(sysconfig.get_paths()["purelib"])
    xentsym_dir = Path(runcache.__file__).resolve().parent
    files = {str(site / "some_package" / "module.py"): None,  # an installed package
             str(xentsym_dir) + "_data.csv": None,  # beside xentsym, not in it
             "/devdata/x.csv": None, "/system/y": None,
             str(xentsym_dir / "cli.py"): None}  # xentsym itself: keyed by its sources
    deps = runcache.dependencies(files, tmp_path / "cache")
    assert set(deps) == set(files) - {str(xentsym_dir / "cli.py")}


def test_the_library_versions_in_the_key_are_the_installed_ones():
    # read off folder names for speed: they must agree with what importlib.metadata says
    from importlib.metadata import PackageNotFoundError, version

    from xentsym import fingerprint
    line = fingerprint.versions()
    for name in fingerprint.LIBRARIES + fingerprint.ARITHMETIC:
        try:
            expected = version(name)
        except PackageNotFoundError:
            expected = "-"
        assert f"|{name}={expected}|" in line, (name, line)
