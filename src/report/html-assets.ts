/** The inline CSS of every HTML page (and, from html-script.ts, the class page's enhancing script). */

import { TIMELINE_CSS } from './timeline.js';

export const CSS = `${TIMELINE_CSS}
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#fff; --soft:#f6f8fa;
  --pass:#1a7f37; --pass-bg:#dafbe1; --fail:#b42318; --fail-bg:#ffebe9; --warn:#8a4b00; --warn-bg:#fff8c5;
  --skip:#59636e; --skip-bg:#eff2f5; --link:#0b57d0; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
header.page { background: #1f2328; color: #fff; padding: 18px 28px 16px; }
header.page h1 { margin: 0; font-size: 22px; font-weight: 650; letter-spacing: -0.01em; }
header.page p { margin: 4px 0 0; color: #d1d9e0; font-size: 13.5px; }
header.page a { color: #c8dcff; }
nav.toc { padding: 8px 28px; border-bottom: 1px solid var(--line); background: var(--soft); font-size: 14px; }
nav.toc ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 18px; }
main { max-width: 1180px; margin: 0 auto; padding: 8px 28px 48px; }
h2 { font-size: 20px; margin: 34px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 8px; }
.muted { color: var(--muted); }
.mono, code, .trace td.text { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
.stats { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0 4px; padding: 0; list-style: none; }
.stats li { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 120px; background: var(--soft); }
.stats b { display: block; font-size: 22px; line-height: 1.2; }
.stats span { font-size: 13px; color: var(--muted); }
.grid2 { display: grid; grid-template-columns: minmax(280px, 420px) 1fr; gap: 28px; align-items: start; }
@media (max-width: 860px) { .grid2 { grid-template-columns: minmax(0, 1fr); } }
@media (max-width: 600px) { main, header.page, nav.toc, footer { padding-left: 14px; padding-right: 14px; } ol.checks > li { grid-template-columns: 1fr auto; } ol.checks .msg, ol.checks .hint, ol.checks .runs { grid-column: 1 / 3; } .rate { min-width: 110px; } }
.table-wrap { overflow-x: auto; max-width: 100%; }
figure { margin: 0; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
caption { text-align: left; font-size: 13px; color: var(--muted); padding: 0 0 6px; caption-side: top; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button::after { content: " ↕"; color: var(--muted); font-weight: 400; }
th[aria-sort=ascending] button::after { content: " ↑"; color: var(--fg); }
th[aria-sort=descending] button::after { content: " ↓"; color: var(--fg); }
.rate { display: flex; align-items: center; gap: 8px; min-width: 160px; }
.bar { flex: 1; height: 10px; background: var(--skip-bg); border-radius: 5px; overflow: hidden; border: 1px solid var(--line); }
.bar i { display: block; height: 100%; background: var(--pass); }
.bar.low i { background: var(--fail); }
.badge { display: inline-block; font-size: 12.5px; font-weight: 650; padding: 1px 8px; border-radius: 999px; white-space: nowrap; border: 1px solid transparent; }
.badge.passed, .badge.full { color: var(--pass); background: var(--pass-bg); border-color: #aceebb; }
.badge.failed, .badge.partial, .badge.error { color: var(--fail); background: var(--fail-bg); border-color: #ffcecb; }
.badge.unstable { color: var(--warn); background: var(--warn-bg); border-color: #f0e1a1; }
.badge.skipped { color: var(--skip); background: var(--skip-bg); border-color: var(--line); }
.badge.tampered { color: #6e2b00; background: #fff1e5; border-color: #ffc9a3; }
.badge.vis { color: #4b3a8c; background: #f1edff; border-color: #ddd3ff; font-weight: 550; }
[hidden] { display: none !important; }
.controls { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: end; margin: 8px 0 10px; }
.controls label { font-size: 13px; color: var(--muted); display: flex; flex-direction: column; gap: 2px; }
.controls input, .controls select { font: inherit; padding: 5px 8px; border: 1px solid #8c959f; border-radius: 6px; min-width: 240px; color: var(--fg); background: #fff; }
.controls select { min-width: 150px; }
.controls output { font-size: 13px; color: var(--muted); padding-bottom: 6px; }
section.submission { margin-top: 44px; }
section.submission > h2 { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 14px; }
section.submission > h2 .score { font-size: 16px; font-weight: 600; color: var(--muted); }
.back { font-size: 13px; font-weight: 400; margin-left: auto; }
.hidden-note { border: 1px solid #ddd3ff; background: #f6f3ff; color: #3b2d73; padding: 8px 14px; border-radius: 8px; font-size: 14px; }
.page-link { display: block; width: max-content; font-size: 12.5px; }
.error-box { border: 1px solid #ffcecb; background: var(--fail-bg); color: #82071e; padding: 10px 14px; border-radius: 8px; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 6px 16px; margin: 10px 0; font-size: 14px; }
dl.facts div { border-left: 3px solid var(--line); padding-left: 8px; }
dl.facts dt { font-size: 12px; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
dl.facts div.wide { grid-column: span 2; }
ol.checks { list-style: none; padding: 0; margin: 8px 0; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
ol.checks > li { padding: 9px 14px; border-top: 1px solid var(--line); border-left: 4px solid transparent; display: grid; grid-template-columns: 112px 1fr auto; gap: 2px 12px; }
ol.checks > li:first-child { border-top: 0; }
ol.checks > li.failed { background: #fffafa; border-left: 4px solid var(--fail); }
ol.checks > li.unstable { background: #fffdf2; border-left: 4px solid #bf8700; }
ol.checks .title { font-weight: 600; }
ol.checks .pts { font-variant-numeric: tabular-nums; font-weight: 600; white-space: nowrap; }
ol.checks .msg, ol.checks .hint, ol.checks .runs { grid-column: 2 / 4; margin: 0; font-size: 14px; overflow-wrap: anywhere; }
ol.checks .hint { color: #0a3069; }
ol.checks .hint::before { content: "Hint: "; font-weight: 650; }
.timeline-wrap { border: 1px solid var(--line); border-radius: 8px; padding: 10px 10px 4px; margin: 10px 0 4px; overflow-x: auto; }
.timeline-wrap svg.timeline { display: block; min-width: 720px; }
.legend svg { flex: none; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0; margin: 6px 0 0; font-size: 13px; color: var(--muted); }
.legend li { display: flex; align-items: center; gap: 6px; }
details.passed-checks, details.not-run { margin: 6px 0 8px; }
details.not-run summary { cursor: pointer; font-weight: 600; font-size: 14px; color: var(--fail); padding: 4px 0; }
details.passed-checks summary { cursor: pointer; font-weight: 600; font-size: 14px; color: var(--pass); padding: 4px 0; }
details.trace-details { margin: 8px 0; }
details.trace-details summary { cursor: pointer; font-weight: 600; font-size: 14px; }
table.trace td, table.trace th { padding: 2px 8px; font-size: 13px; }
table.trace td.text { white-space: pre-wrap; overflow-wrap: anywhere; }
table.trace tr.offending td { background: var(--fail-bg); }
table.trace tr.near-miss td { background: var(--warn-bg); }
table.trace tr.anchor td { background: #eef4ff; }
table.trace tr.stderr td.stream { color: var(--fail); font-weight: 600; }
.about { font-size: 12.5px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
footer { max-width: 1180px; margin: 0 auto; padding: 16px 28px 32px; font-size: 13px; color: var(--muted); border-top: 1px solid var(--line); }
details.spec { border: 1px solid var(--line); border-radius: 8px; margin: 14px 0; padding: 0 16px 8px; }
details.spec > summary { cursor: pointer; padding: 10px 0 6px; list-style-position: outside; }
details.spec > summary h2 { display: inline; border: 0; margin: 0; padding: 0; font-size: 18px; }
details.spec > summary .spec-sum { display: block; font-size: 13.5px; color: var(--muted); margin-top: 2px; }
.tamper-box { border: 1px solid #ffc9a3; background: #fff1e5; color: #6e2b00; padding: 10px 14px; border-radius: 8px; }
@media print { .controls, nav.toc { display: none; } section.submission { break-before: page; } }
`;

export { SCRIPT } from './html-script.js';
