"""The HTML page: lecture notation in MathML, a verdict per step, escaping, and the page as
headless Chromium lays it out (math with real size, no network request)."""
from __future__ import annotations

import base64
import html as stdhtml
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy as sp

from xentsym.cli import main
from xentsym.derivation import Derivation
from xentsym.discover import discover
from xentsym.functions import CrossEntropy, Entropy, KLDivergence
from xentsym.notation import N, i, k, n, p, p_theta, q, y, y_onehot, yhat, yhat_rows
from xentsym.render import html
from xentsym.verify import Options, verify

ROOT = Path(__file__).resolve().parents[1]
OPTIONS = Options(samples=300, seed=0, timeout=10)


# ---------------------------------------------------------------------------------------
# Fixtures

@pytest.fixture(scope="module")
def derivations():
    return discover([ROOT / "derivations"])


@pytest.fixture(scope="module")
def results(derivations):
    return verify(derivations, OPTIONS)


def _broken() -> Derivation:
    """Two false steps, with markup in every piece of text the author controls."""
    d = Derivation("broken<x>", "A <b>wrong</b> step & more", KLDivergence(p, q),
                   title_zh="错误的一步 <i>", description="p & q <script>alert(1)</script>")
    d.claim(CrossEntropy(p, q), "KL is <script>alert(2)</script> the cross-entropy",
            "KL <b>就是</b>交叉熵")
    d.claim(Entropy(p) + sp.Sum(p[i] * sp.log(q[i]), (i, 1, n)), "a made-up step")
    return d


@pytest.fixture(scope="module")
def broken_result():
    d = _broken()
    (result,) = verify([d], OPTIONS)
    return d, result


# ---------------------------------------------------------------------------------------
# The MathML printer

def _plain(markup: str) -> str:
    """The characters of a MathML fragment in reading order, tags dropped."""
    text = re.sub(r"<[^>]+>", "", markup)
    text = stdhtml.unescape(text)
    return text.replace("\u2062", "").replace("\u2061", "")


@pytest.mark.parametrize("expr, reads", [
    (p[i] * sp.log(q[i]), "p(xi)logq(xi)"),
    (sp.log(1 - yhat[i]), "log(1\u2212y\u02c6i)"),
    (y_onehot[i, k] * sp.log(yhat_rows[i, k]), "yi,klogy\u02c6i,k"),
    (p_theta[i], "p\u03b8(Y=1|xi)"),
    (KLDivergence(p, q), "DKL(p\u2016q)"),
    (CrossEntropy(p, q), "H(p,q)"),
    (Entropy(p), "H(p)"),
    (-sp.Sum(p[i] * sp.log(q[i]), (i, 1, n)) / N, "\u22121N\u2211i=1np(xi)logq(xi)"),
    (sp.Sum(y[i] * sp.log(yhat[i]) + (1 - y[i]) * sp.log(1 - yhat[i]), (i, 1, N)),
     "\u2211i=1N[yilogy\u02c6i+(1\u2212yi)log(1\u2212y\u02c6i)]"),
])
def test_printer_writes_the_lecture_notation(expr, reads):
    assert _plain(html.mathml(expr)) == reads


def test_printer_structure():
    # log without brackets around a simple argument, with a thin space; p(x_i) as a function
    # of x_i with a subscript; the hat as an accent over y.
    m = html.mathml(sp.log(q[i]))
    assert "<mi>log</mi>" in m and '<mspace width="0.1667em"/>' in m
    assert "<mo>(</mo>" not in m and "<mo stretchy=\"false\">(</mo>" in m  # only q( x_i )
    assert "<msub><mi>x</mi><mi>i</mi></msub>" in m
    assert '<mover accent="true"><mi>y</mi>' in html.mathml(yhat[i])
    # A fraction is an mfrac; a sum has its limits under and over the sign.
    m = html.mathml(sp.Sum(p[i], (i, 1, n)) / N)
    assert "<mfrac><mn>1</mn><mi>N</mi></mfrac>" in m
    assert re.search(r"<munderover><mo[^>]*>&#8721;</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn>"
                     r"</mrow><mi>n</mi></munderover>", m)


def test_a_sum_in_a_fraction_keeps_display_style():
    # 1 / sum_m e^{z_m}: a fraction's parts are set in a smaller style where movable limits
    # turn into scripts; the part holding the sum is put back in display style.
    m_ = sp.Symbol("m", integer=True, positive=True)
    z = sp.IndexedBase("z")
    m = html.mathml(1 / sp.Sum(sp.exp(z[m_]), (m_, 1, k)))
    assert re.search(r'<mfrac><mn>1</mn><mstyle displaystyle="true"><mrow><munderover>', m)
    assert "mstyle" not in html.mathml(1 / N)  # plain fractions stay as they were


def _with_math_reason() -> Derivation:
    d = Derivation("math-reason", "A reason with math", KLDivergence(p, q))
    d.claim(CrossEntropy(p, q) - Entropy(p),
            r"the definition; $\sigma' = \sigma(1 - \sigma)$ and $\sum_{i=1}^{n} p(x_i) = 1$ "
            r"cost \$5 <b>")
    return d


def test_math_in_a_reason_is_typeset():
    d = _with_math_reason()
    page = html.page([d], verify([d], OPTIONS))
    why = re.search(r'<span class="reason">(.*?)</span> <span class="rule">', page).group(1)
    assert "$" not in why.replace("$5", "") and "\\sigma" not in why
    maths = re.findall(r"<math>(.*?)</math>", why)
    assert len(maths) == 2
    assert _plain(maths[0]) == "\u03c3\u2032=\u03c3(1\u2212\u03c3)"
    assert "<msubsup><mo largeop" in maths[1]  # inline: limits as scripts
    assert why.startswith("the definition; ") and why.endswith("cost $5 &lt;b&gt;")


def test_printer_escapes_markup():
    weird = sp.Symbol("a<b&c")
    m = html.mathml(sp.Lt(weird, 1))
    assert "a&lt;b&amp;c" in m and "<mo>&lt;</mo>" in m
    assert "<b" not in m.replace("<mn", "")


def test_piecewise_words_follow_the_language():
    pw = sp.Piecewise((p_theta[1], sp.Eq(y[1], 1)), (1 - p_theta[1], True))
    assert "if" in html.mathml(pw) and "otherwise" in html.mathml(pw)
    zh = stdhtml.unescape(html.mathml(pw, lang="zh"))
    assert "若" in zh and "其他" in zh and "otherwise" not in zh


# ---------------------------------------------------------------------------------------
# The page, read as text

URL = re.compile(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", re.I)
LOADS = re.compile(r"""\b(?:src|href|xlink:href|action|data|poster|srcset)\s*=\s*"""
                   r"""["']?([^"'\s>]*)""", re.I)


def external_references(page: str) -> list[str]:
    """Everything in ``page`` that could make a browser fetch something."""
    found = [m.group(1) for m in LOADS.finditer(page)
             if not m.group(1).startswith(("#", "data:"))]
    found += URL.findall(page)
    found += re.findall(r"url\(\s*['\"]?(?!#|data:)[^)]*\)", page)
    found += re.findall(r"@import", page)
    found += re.findall(r"<script\b", page, re.I)
    return found


def test_external_reference_check_can_fail():
    assert external_references('<img src="https://cdn.example.org/x.png">')
    assert external_references('<link rel="stylesheet" href="//cdn.example.org/x.css">')
    assert external_references("<style>@import 'x.css';</style>")
    assert external_references('<script src="x.js"></script>')
    assert not external_references('<a href="#d-kl-split">x</a><link rel="icon" href="data:,">')


def test_every_page_is_self_contained(derivations, results):
    pages = [html.page([d], [r], options=OPTIONS) for d, r in zip(derivations, results)]
    pages.append(html.page(derivations, results, options=OPTIONS))
    pages.append(html.page(derivations, results, lang="zh", options=OPTIONS))
    for page in pages:
        assert page.startswith("<!DOCTYPE html>")
        assert external_references(page) == []
        assert "Content-Security-Policy" in page and "default-src 'none'" in page


def _sections(page: str) -> dict[str, str]:
    parts = re.split(r'(?=<section class="derivation")', page)
    out = {}
    for part in parts[1:]:
        name = re.search(r'data-name="([^"]*)"', part).group(1)
        out[name] = part.split("</section>")[0]
    return out


def test_one_row_and_one_badge_per_step(derivations, results):
    page = html.page(derivations, results, options=OPTIONS)
    sections = _sections(page)
    assert set(sections) == {d.name for d in derivations}
    for d, r in zip(derivations, results):
        sec = sections[d.name]
        assert sec.count('<tr class="step"') == len(d.steps)
        badges = re.findall(r'<span class="badge (\w+)" data-status="(\w+)" '
                            r'data-symbolic="(\w+)" data-numeric="(\w+)" '
                            r'data-samples="(\d+)">', sec)
        assert len(badges) == len(d.steps)
        for (cls, status, symbolic, numeric, samples), sr in zip(badges, r.steps):
            assert cls == status == sr.status
            assert (symbolic, numeric, int(samples)) == \
                (sr.symbolic.status, sr.numeric.status, sr.numeric.samples)
        for s in d.steps:  # every justification, subjects filled in
            text = s.template("en").split("{}")[0]
            assert stdhtml.escape(text) in sec


def test_verified_badge_names_the_samples(derivations, results):
    d, r = derivations[0], results[0]
    assert r.status == "verified"
    page = html.page([d], [r], options=OPTIONS)
    n = r.steps[0].numeric.samples
    assert f"proved symbolically; checked numerically at {n} samples" in page
    assert "refuted" not in _sections(page)[d.name].replace("unproven", "")


def test_refuted_step_shows_the_counterexample(broken_result):
    d, r = broken_result
    assert r.status == "refuted"
    page = html.page([d], [r])
    for sr in r.steps:
        ce = sr.numeric.counterexample
        assert ce is not None
        assert f"left side = {ce['lhs']:.6g}" in page and f"right side = {ce['rhs']:.6g}" in page
        for value in ce["values"]["p"]:
            assert f"{value:.6g}" in page
    assert page.count('data-status="refuted"') == len(d.steps) + 1  # steps and heading


def test_text_is_escaped(broken_result):
    d, r = broken_result
    for lang in ("en", "zh"):
        page = html.page([d], [r], lang=lang)
        assert "<script" not in page and "<b>" not in page and "<i>" not in page
        assert "&lt;script&gt;" in page or lang == "zh"
    page = html.page([d], [r])
    assert "A &lt;b&gt;wrong&lt;/b&gt; step &amp; more" in page
    assert 'data-name="broken&lt;x&gt;"' in page


def test_chinese_page(derivations, results):
    page = html.page(derivations, results, lang="zh", options=OPTIONS)
    assert '<html lang="zh-Hans">' in page
    assert "目录" in page
    for d in derivations:
        if d.title_zh:
            assert stdhtml.escape(d.title_zh) in page
        for s in d.steps:
            zh = s.template("zh").split("{}")[0]
            assert stdhtml.escape(zh) in page
    assert "proved symbolically" not in page and "符号证明成立" in page


def test_table_of_contents_links_every_section(derivations, results):
    page = html.page(derivations, results)
    links = re.findall(r'<a href="#([^"]+)">', page)
    ids = re.findall(r'<section class="derivation" id="([^"]+)"', page)
    assert links == ids and len(ids) == len(derivations) == len(set(ids))
    single = html.page(derivations[:1], results[:1])
    assert '<nav class="toc">' not in single


def test_plots_are_inline_svg(derivations, results):
    pytest.importorskip("matplotlib")
    page = html.page(derivations, results)
    sections = _sections(page)
    expected = {"binary-entropy": "binary-entropy", "kl-split": "kl-decomposition",
                "drop-mean-and-sign": "binary-cross-entropy"}
    for name, plot in expected.items():
        sec = sections[name]
        assert f'data-plot="{plot}"' in sec and "<svg" in sec and "<path" in sec
    assert "<svg" not in sections["bernoulli-pmf-cases"]
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids of the inline plots collide"


# ---------------------------------------------------------------------------------------
# The command line

def test_cli_writes_a_page(tmp_path, capsys):
    out = tmp_path / "kl.html"
    assert main(["render", "kl-split", "--from", str(ROOT / "derivations"),
                 "--format", "html", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('<tr class="step"') == 8
    assert "wrote" in capsys.readouterr().err


def test_cli_html_to_stdout_in_chinese(capsys):
    assert main(["render", "binary-entropy", "--from", str(ROOT / "derivations"),
                 "--format", "html", "--lang", "zh"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>") and "两种结果时的熵" in page


def test_cli_refuted_page_exits_1(tmp_path, capsys):
    script = tmp_path / "broken.py"
    script.write_text(
        "from xentsym import Derivation\n"
        "from xentsym.functions import CrossEntropy, KLDivergence\n"
        "from xentsym.notation import p, q\n"
        "d = Derivation('broken', 'Broken', KLDivergence(p, q))\n"
        "d.claim(CrossEntropy(p, q), 'wrong')\n", encoding="utf-8")
    out = tmp_path / "b.html"
    assert main(["render", "broken", "--from", str(script), "--format", "html",
                 "-o", str(out)]) == 1
    assert "counterexample" in out.read_text(encoding="utf-8")
    assert "1 refuted" in capsys.readouterr().err


def test_cli_unwritable_output_is_one_line(tmp_path, capsys):
    out = tmp_path / "missing" / "page.html"
    assert main(["render", "kl-split", "--from", str(ROOT / "derivations"),
                 "--format", "html", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out) in err and "Traceback" not in err


# ---------------------------------------------------------------------------------------
# Headless Chromium over the DevTools protocol (--remote-debugging-pipe)

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if os.path.exists("/usr/bin/chromium") else None)
DEADLINE = 90.0  # seconds for any one exchange with the browser; a guard, not a measurement

MEASURE = r"""
(async () => {
  await document.fonts.ready;
  const box = e => { const r = e.getBoundingClientRect();
                     return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const maths = [...document.querySelectorAll('math')];
  return {
    maths: maths.map(box),
    display: maths.length ? getComputedStyle(maths[0]).display : '',
    fracs: [...document.querySelectorAll('mfrac')].map(f => [box(f.children[0]),
                                                             box(f.children[1])]),
    sums: [...document.querySelectorAll('munderover')].map(
      u => [box(u.children[0]), box(u.children[1]), box(u.children[2])]),
    svgs: [...document.querySelectorAll('figure.plot svg')].map(box),
    badges: [...document.querySelectorAll('.badge[data-status]')].map(
      b => [b.dataset.status, box(b)]),
    resources: performance.getEntriesByType('resource').map(e => e.name),
    height: document.documentElement.scrollHeight,
  };
})()
"""


WIRE = """
import fcntl, os, sys
given = [int(fd) for fd in sys.argv[1:3]]
r, w = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in given)
for fd in given:
    os.close(fd)
os.dup2(r, 3)
os.dup2(w, 4)
os.execv(sys.argv[3], sys.argv[3:])
"""


class Browser:
    """One headless Chromium, driven through the DevTools protocol on fds 3 and 4."""

    def __init__(self, exe: str, profile: Path):
        ours_r, theirs_w = os.pipe()
        theirs_r, ours_w = os.pipe()
        # The protocol expects its pipes on fds 3 (commands in) and 4 (replies out): a small
        # Python shim moves them there (out of the way first) and then becomes the browser.
        args = [sys.executable, "-c", WIRE, str(theirs_r), str(theirs_w), exe,
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
                f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     pass_fds=(theirs_r, theirs_w), start_new_session=True)
        os.close(theirs_r)
        os.close(theirs_w)
        self._r, self._w = ours_r, ours_w
        self._buf = b""
        self._next = 0
        self.events: list[dict] = []

    def _send(self, msg: dict) -> None:
        os.write(self._w, json.dumps(msg).encode() + b"\0")

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._r], [], [], left)
            if ready:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, params: dict | None = None, session: str | None = None):
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._send(msg)
        deadline = time.monotonic() + DEADLINE
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + DEADLINE
        while True:
            for e in self.events:
                if e["method"] == method and e.get("sessionId") == session:
                    return e
            msg = self._read(deadline)
            if "method" in msg:
                self.events.append(msg)

    def load(self, url: str, width: int = 1200, height: int = 900,
             screenshot: Path | None = None) -> dict:
        """Open ``url`` in a fresh tab; return the measurements and the requests it made."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        try:
            for domain in ("Network.enable", "Page.enable", "Runtime.enable"):
                self.call(domain, session=session)
            self.call("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1,
                       "mobile": False}, session)
            nav = self.call("Page.navigate", {"url": url}, session)
            assert not nav.get("errorText"), nav
            self.wait_for("Page.loadEventFired", session)
            found = self.call("Runtime.evaluate", {"expression": MEASURE, "awaitPromise": True,
                                                   "returnByValue": True}, session)
            assert "exceptionDetails" not in found, found
            data = found["result"]["value"]
            if screenshot is not None:
                full = min(int(data["height"]), 8000)
                self.call("Emulation.setDeviceMetricsOverride",
                          {"width": width, "height": full, "deviceScaleFactor": 1,
                           "mobile": False}, session)
                shot = self.call("Page.captureScreenshot", {"format": "png"}, session)
                screenshot.write_bytes(base64.b64decode(shot["data"]))
            data["requests"] = [
                e["params"]["request"]["url"] for e in self.events
                if e.get("sessionId") == session and e["method"] in (
                    "Network.requestWillBeSent", "Network.webSocketCreated")
                and e["params"].get("request", {}).get("url") != url]
            return data
        finally:
            self.call("Target.closeTarget", {"targetId": target})
            self.events = [e for e in self.events if e.get("sessionId") != session]

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:  # already gone: nothing to close politely
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group this test started
            self.proc.wait(timeout=15)
        finally:
            os.close(self._r)
            os.close(self._w)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    b = Browser(CHROMIUM, tmp_path_factory.mktemp("chromium-profile"))
    try:
        b.call("Browser.getVersion")
        yield b
    finally:
        b.close()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def _check_layout(data: dict, page: str, where: str) -> None:
    """Every math element laid out as math with real size; fractions and sums stacked."""
    assert data["requests"] == [], f"{where}: the page made requests {data['requests']}"
    assert data["resources"] == [], f"{where}: resources loaded {data['resources']}"
    assert len(data["maths"]) == page.count("<math"), where
    assert data["maths"], where
    assert "math" in data["display"], f"{where}: <math> is displayed as {data['display']!r}"
    for box in data["maths"]:
        assert box["w"] > 1 and box["h"] > 1, f"{where}: a math element has no size: {box}"
    for num, den in data["fracs"]:  # numerator above denominator: MathML was laid out
        assert num["h"] > 0 and den["h"] > 0
        assert num["y"] + num["h"] <= den["y"] + 1, f"{where}: fraction not stacked"
    for op, under, over in data["sums"]:  # display style: limits under and over the sign
        assert under["y"] >= op["y"] + op["h"] - 2, f"{where}: lower limit not under the sign"
        assert over["y"] + over["h"] <= op["y"] + 2, f"{where}: upper limit not over the sign"


def _keep(path: Path) -> None:
    """With XENTSYM_SCREENSHOTS=DIR, keep a copy of a screenshot to look at."""
    keep = os.environ.get("XENTSYM_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)


def test_browser_network_check_can_fail(browser, tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="stylesheet" '
                    'href="http://127.0.0.1:9/x.css"></head><body>'
                    '<img src="https://example.invalid/x.png" width="10" height="10">'
                    '<math><mfrac><mn>1</mn><mi>N</mi></mfrac></math></body></html>',
                    encoding="utf-8")
    data = browser.load(page.as_uri())
    assert any("127.0.0.1:9" in u for u in data["requests"])
    assert any("example.invalid" in u for u in data["requests"])
    with pytest.raises(AssertionError):
        _check_layout(data, page.read_text(encoding="utf-8"), "leaky")


def test_every_derivation_page_in_chromium(browser, derivations, results, tmp_path):
    for d, r in zip(derivations, results):
        page = html.page([d], [r], options=OPTIONS)
        path = tmp_path / f"{d.name}.html"
        path.write_text(page, encoding="utf-8")
        data = browser.load(path.as_uri())
        _check_layout(data, page, d.name)
        if html._plot(d, "en"):
            assert data["svgs"] and all(b["w"] > 100 and b["h"] > 100 for b in data["svgs"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_all_in_one_page_in_chromium(browser, tmp_path, lang):
    out = tmp_path / f"all-{lang}.html"
    code = main(["render", "--all", "--from", str(ROOT / "derivations"), "--format", "html",
                 "--lang", lang, "-o", str(out)])
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert external_references(page) == []
    shot = tmp_path / f"all-{lang}.png"
    data = browser.load(out.as_uri(), screenshot=shot)
    _check_layout(data, page, out.name)
    assert len(data["fracs"]) > 0 and len(data["sums"]) > 0
    width, height = _png_size(shot)
    assert width == 1200 and height > 2000
    try:
        from matplotlib.image import imread
    except ImportError:
        imread = None
    if imread is not None:
        pixels = imread(str(shot))[..., :3]
        ink = (pixels.mean(axis=-1) < 0.6).mean()
        assert ink > 0.005, "the screenshot is (nearly) blank"
    _keep(shot)


def test_math_reason_page_in_chromium(browser, tmp_path):
    d = _with_math_reason()
    page = html.page([d], verify([d], OPTIONS))
    path = tmp_path / "math-reason.html"
    path.write_text(page, encoding="utf-8")
    data = browser.load(path.as_uri())
    _check_layout(data, page, "math-reason")
    assert len(data["maths"]) == page.count("<math") >= 4


def test_refuted_page_in_chromium(browser, broken_result, tmp_path):
    d, r = broken_result
    page = html.page([d], [r])
    path = tmp_path / "broken.html"
    path.write_text(page, encoding="utf-8")
    shot = tmp_path / "broken.png"
    data = browser.load(path.as_uri(), width=1000, screenshot=shot)
    _check_layout(data, page, "broken")
    _keep(shot)
