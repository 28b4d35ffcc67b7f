"""A complete, self-contained HTML page of derivations, with a summary and contents."""
from __future__ import annotations

from html import escape

from .sections import _title, anchor, heading, section
from .style import CSS, PAGE_CSS
from .words import ICON, WORDS


def _summary(results, lang: str) -> str:
    w = WORDS[lang]
    steps = [s for r in results for s in r.steps]
    if len(results) == 1:
        counts = {k: sum(s.status == k for s in steps) for k in ("verified", "refuted",
                                                                  "unproven")}
        template = w["summary_one"]
    else:
        counts = {k: sum(r.status == k for r in results) for k in ("verified", "refuted",
                                                                   "unproven")}
        template = w["summary"]
    return template.format(d=len(results), s=len(steps), v=counts["verified"],
                           r=counts["refuted"], u=counts["unproven"])


def page(derivations, results=None, lang: str = "en", plots: bool = True, options=None,
         title: str | None = None, checked: bool = True) -> str:
    """A complete HTML document; a table of contents when it holds several derivations."""
    w = WORDS[lang]
    derivations = list(derivations)
    by_name = {r.derivation.name: r for r in results} if results is not None else {}
    single = len(derivations) == 1
    if title is None:
        title = _title(derivations[0], lang) if single else w["page_title"]
    if single:
        body = [heading(derivations[0], by_name.get(derivations[0].name), lang, "h1")]
    else:
        body = [f"<h1>{escape(title)}</h1>"]
    body.append(f'<p class="lead">{escape(w["lead"])}</p>')
    if not checked:
        body.append(f'<p class="summary unchecked">{escape(w["not_checked"])}</p>')
    if results:
        body.append(f'<p class="summary">{escape(_summary(results, lang))}</p>')
    if results and options is not None:
        settings = w["settings"].format(n=options.samples, seed=options.seed)
        body.append(f'<p class="settings">{escape(settings)}</p>')
    if not single:
        items = []
        for d in derivations:
            r = by_name.get(d.name)
            mark = (f' <span class="badge {r.status}">{ICON[r.status]} '
                    f'{escape(w[r.status])}</span>') if r is not None else ""
            items.append(f'<li><a href="#{anchor(d)}">{escape(_title(d, lang))}</a>{mark}'
                         "</li>")
        body.append(f'<nav class="toc"><h2>{escape(w["contents"])}</h2><ol>'
                    + "".join(items) + "</ol></nav>")
    for d in derivations:
        body.append(section(d, by_name.get(d.name), lang, plots, None if single else "h2"))
    return shell(title, body, lang)


def shell(title: str, body: list, lang: str = "en", css: str = "") -> str:
    """A self-contained page around ``body``: inline CSS, and a Content-Security-Policy
    that forbids every request (no script, font, image or style from anywhere)."""
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="xentsym">',
        '<link rel="icon" href="data:,">',
        f"<title>{escape(title)}</title>",
        f"<style>{PAGE_CSS}{CSS}{css}</style>",
        "</head>",
        '<body class="xentsym">',
        *body,
        "</body>",
        "</html>",
        "",
    ])


def render(derivations, lang: str = "en", options=None, plots: bool = True):
    """Verify ``derivations`` and return (page, results)."""
    from ...verify import Options, verify
    options = options or Options()
    derivations = list(derivations)
    results = verify(derivations, options)
    return page(derivations, results, lang, plots, options), results
