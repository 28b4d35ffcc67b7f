"""The stylesheets: CSS scoped to .xentsym (pages and notebook fragments), PAGE_CSS for pages."""
from __future__ import annotations

CSS = """
.xentsym { --ok: #1a7f37; --ok-bg: #e6f4ea; --bad: #b42318; --bad-bg: #fdecea;
  --open: #8a5a00; --open-bg: #fff4d6; --ink: #1f2328; --muted: #5f6b7a; --rule: #d8dee4;
  color: var(--ink); }
.xentsym math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math",
  "DejaVu Math TeX Gyre", math; font-size: 1.12em; math-style: normal; }
.xentsym section.derivation { margin: 2.2em 0 3em; }
.xentsym h1, .xentsym h2, .xentsym h3 { margin: 0 0 .3em; display: flex; flex-wrap: wrap;
  align-items: baseline; gap: .2em .5em; }
.xentsym section h2, .xentsym section h3 { font-size: 1.35em; }
.xentsym .name { font: .8em ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted);
  font-weight: normal; }
.xentsym .description { color: var(--muted); margin: 0 0 1em; }
.xentsym .steps-wrap { overflow-x: auto; border: 1px solid var(--rule); border-radius: 8px; }
.xentsym table.steps { border-collapse: collapse; width: 100%; }
.xentsym table.steps td { vertical-align: middle; }
.xentsym tr.step td { padding: .75em .25em .15em; }
.xentsym tr.why td { padding: 0 .6em .7em .25em; border-bottom: 1px solid var(--rule); }
.xentsym td.num { color: var(--muted); font-size: .85em; text-align: right; width: 1.5em;
  padding: .9em .5em .7em .8em !important; vertical-align: top !important;
  border-bottom: 1px solid var(--rule); }
.xentsym tbody > tr:nth-last-child(2) td.num, .xentsym tbody > tr.why:last-child td {
  border-bottom: none; }
.xentsym td.lhs { text-align: right; white-space: nowrap; }
.xentsym td.rel { text-align: center; white-space: nowrap; padding: 0 .35em !important; }
.xentsym td.rhs { text-align: left; white-space: nowrap; width: 100%; }
.xentsym div.why { display: flex; flex-wrap: wrap; align-items: baseline; gap: .3em .9em;
  font-size: .9em; }
.xentsym div.why math { font-size: 1.05em; }
.xentsym .rule { font: .85em ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); }
.xentsym .needs { color: var(--muted); }
.xentsym .verdict { margin-left: auto; display: inline-flex; flex-wrap: wrap;
  align-items: baseline; gap: .2em .6em; }
.xentsym .badge { display: inline-block; border-radius: 999px; padding: .05em .65em;
  font-size: .85em; line-height: 1.45; border: 1px solid transparent; white-space: nowrap; }
.xentsym .badge.verified { color: var(--ok); background: var(--ok-bg); border-color: #b7dfc2; }
.xentsym .badge.refuted { color: var(--bad); background: var(--bad-bg); border-color: #f4b8b1; }
.xentsym .badge.unproven { color: var(--open); background: var(--open-bg);
  border-color: #f0d58c; }
.xentsym .status { font-size: .6em; vertical-align: middle; font-weight: 600; }
.xentsym .detail { font-size: .85em; color: var(--muted); }
.xentsym .counterexample { flex-basis: 100%; padding: .4em .6em;
  background: var(--bad-bg); border-radius: 6px; color: var(--bad); font-size: .85em;
  white-space: pre-wrap; word-break: break-word;
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.xentsym figure.plot { margin: 1.2em 0 0; text-align: center; }
.xentsym figure.plot svg { max-width: 100%; height: auto; }
.xentsym figure.plot figcaption { color: var(--muted); font-size: .9em; }
.xentsym ul.where { color: var(--muted); }
.xentsym mtd[columnalign="left"] { text-align: left; }
.xentsym mtd[columnalign="right"] { text-align: right; }
"""

PAGE_CSS = """
html { background: #fff; }
body { margin: 0 auto; max-width: 1180px; padding: 2em 1.5em 4em;
  font: 16px/1.5 "DejaVu Sans", "Noto Sans", "Segoe UI", Helvetica, Arial,
  "AR PL SungtiL GB", "Noto Sans CJK SC", sans-serif; }
h1 { font-size: 1.8em; margin: 0 0 .3em; }
p.lead { color: #444c56; max-width: 52em; }
p.summary { font-weight: 600; }
nav.toc { border: 1px solid #d8dee4; border-radius: 8px; padding: .8em 1.2em;
  background: #fafbfc; }
nav.toc h2 { font-size: 1.05em; margin: 0 0 .4em; display: block; }
nav.toc ol { margin: 0; padding-left: 1.4em; }
nav.toc li { margin: .2em 0; }
nav.toc a { color: #0b57d0; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
nav.toc .badge { margin-left: .5em; font-size: .75em; }
"""
