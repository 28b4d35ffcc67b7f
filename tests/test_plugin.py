"""The pytest plugin: derivation scripts collected as pytest items, run in a fresh pytest.

Every run is a subprocess (``runpytest_subprocess``), so the plugin is loaded the way users
get it: through the ``pytest11`` entry point of the installed package. The real-derivations
run and the plain-run test load every installed plugin, as a user's pytest does; the other
runs turn plugin autoloading off and name the entry point (``-p xentsym``), which halves
their start-up time (the hypothesis and benchmark plugins are slow to import).
"""
from __future__ import annotations

import re
import shutil
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from xentsym.discover import discover

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parent.parent
REAL = REPO / "derivations"

# Two derivations in one script: a sound one, and one whose claim is false (H(p) + D(q||p)
# is not D(p||q); at p = (0.5, 0.5), q = (0.9, 0.1) the sides are 0.51 and 0.97).
BROKEN = '''\
"""A sound derivation and a broken one."""
from xentsym import Derivation
from xentsym import rules as R
from xentsym.functions import Entropy, KLDivergence
from xentsym.notation import p, q

sound = Derivation("sound", "Entropy by definition", Entropy(p))
sound.apply(R.UNFOLD)

wrong = Derivation("wrong", "KL divergence with a wrong claim", KLDivergence(p, q))
(wrong
 .apply(R.UNFOLD)
 .claim(Entropy(p) + KLDivergence(q, p), "a wrong step, on purpose"))
'''


def _line(source: str, needle: str) -> int:
    """The 1-based line of ``source`` that holds ``needle``."""
    lines = [i for i, text in enumerate(source.splitlines(), 1) if needle in text]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def _write(pytester: pytest.Pytester, relpath: str, text: str) -> Path:
    path = pytester.path / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


INI = "[pytest]\naddopts = -p no:cacheprovider\n"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A folder with its own ini file (so no outer configuration leaks in)."""
    pytester.makeini(INI)
    return pytester


def _copy_real(pytester: pytest.Pytester) -> None:
    shutil.copytree(REAL, pytester.path / "derivations", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """pytest in a subprocess with only the xentsym plugin (loaded by its entry point)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        return pytester.runpytest_subprocess("-p", "xentsym", *args)


def test_entry_point_is_registered():
    names = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert names.get("xentsym") == "xentsym.pytest_plugin"


def test_real_derivations_pass(project):
    _copy_real(project)
    expected = {d.name for d in discover([REAL])}
    assert expected, "the repository should ship derivations"
    result = project.runpytest_subprocess("derivations", "-v")  # every plugin autoloaded
    result.assert_outcomes(passed=len(expected))
    passed = set(re.findall(r"::(\S+) PASSED", result.stdout.str()))
    assert passed == expected
    assert result.ret == pytest.ExitCode.OK


def _samples(out: str) -> int:
    # Under CI=true pytest repeats the whole report in its short summary: count distinct ones.
    found = set(re.findall(r"numeric: failed \((\d+) samples\)", out))
    assert len(found) == 1, out
    return int(found.pop())


def _witness(out: str) -> str:
    found = sorted(set(re.findall(r"E +at (.*)", out)))
    assert len(found) == 1, out
    return found[0]


def test_broken_derivation_report(project):
    _write(project, "derivations/broken.py", BROKEN)
    locations = project.path / "locations.txt"
    project.makeconftest(f'''
        def pytest_collection_modifyitems(items):
            with open({str(locations)!r}, "w") as out:
                for item in items:
                    print(item.nodeid, *item.location, sep="|", file=out)
    ''')
    result = run(project, "derivations")
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    claim_line = _line(BROKEN, ".claim(")
    assert f"derivations/broken.py:{claim_line}: step 2 refuted" in out
    assert "rule 'claim'" in out
    assert "a wrong step, on purpose" in out
    # Both sides, as SymPy prints them.
    assert "rhs: Entropy(p) + KLDivergence(q, p)" in out
    assert "lhs: Sum(log(p[i]/q[i])*p[i], (i, 1, n))" in out
    assert "counterexample" in out
    # The witness: the values drawn and the two sides there, which must differ.
    at = re.search(r"at n = (\d+), p = \[([^\]]*)\], q = \[([^\]]*)\]", out)
    assert at, out
    p = [float(x) for x in at.group(2).split(",")]
    q = [float(x) for x in at.group(3).split(",")]
    assert len(p) == len(q) == int(at.group(1))
    assert abs(sum(p) - 1) < 1e-9 and abs(sum(q) - 1) < 1e-9
    lhs = float(re.search(r"lhs = (\S+)", out).group(1))
    rhs = float(re.search(r"rhs = (\S+)", out).group(1))
    assert abs(lhs - rhs) > 1e-6
    # Neither the sound step 1 of the broken derivation nor the sound derivation is blamed.
    assert "step 1" not in out
    assert "FAILED derivations/broken.py::wrong" in out
    assert "derivations/broken.py::sound" not in out
    assert "Traceback" not in out
    # reportinfo: each item points at the line that creates its Derivation (0-based, as
    # pytest counts).
    rows = [line.split("|") for line in locations.read_text().splitlines()]
    assert rows == [[f"derivations/broken.py::{name}", "derivations/broken.py",
                     str(_line(BROKEN, f'Derivation("{name}"') - 1), f"derivation {name}"]
                    for name in ("sound", "wrong")]


def test_options_on_the_command_line_and_in_the_ini_file(project):
    _write(project, "derivations/broken.py", BROKEN)
    default = run(project, "derivations")
    flags = run(project, "derivations", "--xentsym-samples", "60", "--xentsym-seed", "7",
                "--xentsym-timeout", "10")
    for result in (default, flags):
        result.assert_outcomes(passed=1, failed=1)
    # Fewer samples per step: the refutation is found in a smaller first batch.
    assert _samples(flags.stdout.str()) < _samples(default.stdout.str())

    # The same settings from the ini file (the seed given there is overridden by the
    # command line): the same samples and the same counterexample again.
    project.makeini(INI + "xentsym_samples = 60\nxentsym_seed = 1\nxentsym_timeout = 10\n")
    ini = run(project, "derivations", "--xentsym-seed", "7")
    ini.assert_outcomes(passed=1, failed=1)
    assert _samples(ini.stdout.str()) == _samples(flags.stdout.str())
    assert _witness(ini.stdout.str()) == _witness(flags.stdout.str())

    bad = run(project, "derivations", "--xentsym-samples", "0", "--xentsym-timeout", "soon")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    assert "--xentsym-samples: must be at least 1" in bad.stderr.str()


def test_scripts_that_cannot_be_loaded_are_collection_errors(project):
    _write(project, "derivations/a_sound_and_wrong.py", BROKEN)
    raises = '''\
        """This script fails while it is loaded."""
        from xentsym import Derivation

        raise RuntimeError("the script gave up")
    '''
    _write(project, "derivations/boom.py", raises)
    no_proof = '''\
        """log-power needs 1 - x > 0 here, but x is any real number."""
        import sympy as sp
        from xentsym import Derivation
        from xentsym import rules as R

        x = sp.Symbol("x", real=True)
        d = Derivation("no-proof", "A rule whose side condition fails", sp.log((1 - x) ** 2))
        d.apply(R.LOG_POWER)
    '''
    _write(project, "derivations/no_proof.py", no_proof)
    _write(project, "derivations/z_same_names.py", BROKEN)  # "sound" and "wrong" again

    result = run(project, "derivations", "--continue-on-collection-errors")
    result.assert_outcomes(passed=1, failed=1, errors=3)
    out = result.stdout.str()
    line = _line(textwrap.dedent(raises), "raise ")
    assert (f"derivations/boom.py:{line}: error: the script raised RuntimeError: "
            "the script gave up") in out
    line = _line(textwrap.dedent(no_proof), "d.apply(")
    assert re.search(rf"derivations/no_proof\.py:{line}: error: .*log-power does not apply",
                     out), out
    line = _line(BROKEN, 'Derivation("sound"')
    assert (f"derivations/z_same_names.py:{line}: error: derivation name 'sound' is used "
            f"twice (also at derivations/a_sound_and_wrong.py:{line})") in out
    assert "Traceback" not in out


def test_xdist_gives_the_same_counts(project):
    _copy_real(project)
    _write(project, "derivations/broken.py", BROKEN)
    result = run(project, "-p", "xdist", "-n", "2", "derivations")
    result.assert_outcomes(passed=len(discover([REAL])) + 1, failed=1)
    out = result.stdout.str()
    assert "2 workers" in out
    assert f"derivations/broken.py:{_line(BROKEN, '.claim(')}: step 2 refuted" in out
    assert "counterexample" in out


def test_plain_run_leaves_derivations_alone(project):
    """Only what pytest is pointed at is verified, and each script runs once."""
    project.makeini("[pytest]\naddopts = -p no:cacheprovider --doctest-modules\n"
                    "testpaths = tests\n")
    _write(project, "tests/test_small.py", "def test_small():\n    assert 1 + 1 == 2\n")
    log = project.path / "loaded.log"
    source = (REAL / "kl_split.py").read_text(encoding="utf-8") + textwrap.dedent(f'''
        with open({str(log)!r}, "a") as _log:
            _log.write("loaded\\n")
    ''')
    _write(project, "derivations/kl_split.py", source)

    plain = project.runpytest_subprocess()  # every plugin autoloaded, as for a user
    plain.assert_outcomes(passed=1)
    assert "kl-split" not in plain.stdout.str()
    assert not log.exists()

    # Named on the command line, under --doctest-modules: one item, and the script runs
    # once (neither the module collector nor the doctest collector imports it as well).
    named = run(project, "derivations/kl_split.py", "-v")
    named.assert_outcomes(passed=1)
    assert "derivations/kl_split.py::kl-split PASSED" in named.stdout.str()
    assert log.read_text().splitlines() == ["loaded"]

    disabled = project.runpytest_subprocess("derivations", "-p", "no:xentsym")
    assert disabled.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_configured_paths(project):
    project.makeini(INI + "xentsym_paths = notes/steps\n")
    (project.path / "notes" / "steps").mkdir(parents=True)
    shutil.copy(REAL / "kl_split.py", project.path / "notes" / "steps" / "kl_split.py")
    (project.path / "derivations").mkdir()
    shutil.copy(REAL / "binary_entropy.py", project.path / "derivations" / "binary_entropy.py")
    result = run(project, "notes", "derivations", "-v")
    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    assert "notes/steps/kl_split.py::kl-split PASSED" in out
    assert "binary-entropy" not in out  # derivations/ is not configured here


def test_derivations_folder_named_on_the_command_line(pytester, monkeypatch):
    """No ini file, pytest started elsewhere: a path inside derivations/ still counts."""
    target = pytester.path / "work" / "derivations"
    target.mkdir(parents=True)
    shutil.copy(REAL / "kl_split.py", target / "kl_split.py")
    elsewhere = pytester.path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run(pytester, "-p", "no:cacheprovider", str(target), "-v")
    result.assert_outcomes(passed=1)
    assert "kl_split.py::kl-split PASSED" in result.stdout.str()


def test_unrelated_derivations_folder_is_left_alone(project):
    """A derivations/ folder whose modules do not use xentsym keeps its doctests."""
    _write(project, "derivations/helpers.py", '''\
        """Helpers of some other project."""


        def double(x):
            """
            >>> double(2)
            4
            """
            return 2 * x
    ''')
    result = run(project, "--doctest-modules", "derivations", "-v")
    result.assert_outcomes(passed=1)
    assert "derivations/helpers.py::helpers.double PASSED" in result.stdout.str()
