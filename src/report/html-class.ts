/**
 * The class view of index.html: the class's figures, then (one spec) its distribution, pass
 * rates and submissions, or (several specs) a table of contents and one collapsible section
 * per spec with its own figures. Details of each submission live on its own page.
 */

import type { CreditModel, GroupCredit } from '../score/index.js';
import type { GradeResults } from '../score/types.js';
import { histogramSvg } from './html-histogram.js';
import { joinRows, rateTable, submissionsTable, type RowLinks, type RowSlot } from './html-class-tables.js';
import { specAnchors } from './html-paths.js';
import { esc } from './timeline.js';

function stats(g: GroupCredit): string {
  const items: Array<[string, string]> = [
    [String(g.members.length), 'submissions'],
    [`${g.mean.toFixed(1)}%`, 'mean score'],
    [`${g.median.toFixed(1)}%`, 'median score'],
    [String(g.fullCredit), 'at full marks'],
    [String(g.couldNotGrade), 'could not grade'],
  ];
  if (g.tampered) items.push([String(g.tampered), 'flagged for review (trace tampered)']);
  return `<ul class="stats">\n${items.map(([b, s]) => `<li><b>${b}</b><span>${s}</span></li>`).join('\n')}\n</ul>`;
}

function figures(g: GroupCredit, prefix: string, multiSpec: boolean): string {
  const id = (s: string) => (prefix ? `${prefix}-${s}` : s);
  return `<div class="grid2">
<figure id="${id('distribution')}">
<h3 id="${id('dist-h')}">Score distribution</h3>
${histogramSvg(g.percents, id('hist'), g.spec !== undefined && multiSpec ? `Score distribution of ${g.spec}` : 'Score distribution')}
<figcaption>Submissions per score range (10-point bins; the last bin includes 100%).</figcaption>
</figure>
<div>
<h3 id="${id('checks-h')}">Pass rate per check, hardest first${g.spec !== undefined && multiSpec ? `<span class="sr-only">: ${esc(g.spec)}</span>` : ''}</h3>
${rateTable(g, id('checks-h'), multiSpec)}
</div>
</div>`;
}

const CONTROLS = `<div class="controls" id="controls" hidden>
<label for="filter">Filter<input id="filter" type="search" placeholder="name, check id, error…" autocomplete="off"></label>
<label for="state">Status<select id="state"><option value="">all</option><option value="full">full marks</option><option value="partial">points lost</option><option value="error">could not grade</option><option value="tampered">flagged for review</option></select></label>
<output id="count" for="filter state" aria-live="polite"></output>
</div>`;

/** One line summing up a group, for a spec's <summary> and the table of contents. */
function oneLine(g: GroupCredit): string {
  const n = g.members.length;
  return [`${n} submission${n === 1 ? '' : 's'}`, `mean ${g.mean.toFixed(1)}%`, `${g.fullCredit} at full marks`, `${g.couldNotGrade} could not grade`, ...(g.tampered ? [`${g.tampered} flagged for review`] : [])].join(' · ');
}

/** The contents of <main> on the class page, and the spec anchors (for the navigation bar). */
export function classView(results: GradeResults, model: CreditModel, links: RowLinks, slot: RowSlot = joinRows): { html: string; specs: Array<[string, string]> } {
  const all = model.class;
  if (!model.multiSpec) {
    const html = `<section id="class" aria-labelledby="class-h">
<h2 id="class-h">Class overview</h2>
${stats(all)}
${figures(model.bySpec[0] ?? all, '', false)}
<h3 id="list">Submissions</h3>
${CONTROLS}
${submissionsTable(results, model, all.members, links, 'submissions', 'Submissions table', slot)}
</section>`;
    return { html, specs: [] };
  }
  const anchors = specAnchors(model.bySpec.map((g) => g.spec!));
  const toc = model.bySpec
    .map((g, k) => `<tr><th scope="row"><a href="#${anchors[k]}">${esc(g.title)}</a> <code class="muted">${esc(g.spec!)}</code></th><td class="num">${g.members.length}</td><td class="num">${g.mean.toFixed(1)}%</td><td class="num">${g.fullCredit}</td><td class="num">${g.couldNotGrade}</td></tr>`)
    .join('\n');
  const sections = model.bySpec.map((g, k) => {
    const a = anchors[k]!;
    return `<details class="spec" id="${a}">
<summary><h2 id="${a}-h">${esc(g.title)} <code>${esc(g.spec!)}</code></h2><span class="spec-sum">${oneLine(g)}</span></summary>
${figures(g, a, true)}
<h3 id="${a}-list">Submissions<span class="sr-only"> of ${esc(g.spec!)}</span></h3>
${submissionsTable(results, model, g.members, links, `${a}-subs`, `Submissions of ${g.spec!}`, slot)}
</details>`;
  });
  const html = `<section id="class" aria-labelledby="class-h">
<h2 id="class-h">Class overview</h2>
${stats(all)}
<h3 id="specs-h">Specs</h3>
<div class="table-wrap" tabindex="0" role="region" aria-labelledby="specs-h">
<table aria-labelledby="specs-h">
<thead><tr><th scope="col">Spec (follow it to its section)</th><th scope="col" class="num">Submissions</th><th scope="col" class="num">Mean</th><th scope="col" class="num">Full marks</th><th scope="col" class="num">Could not grade</th></tr></thead>
<tbody>
${toc}
</tbody>
</table>
</div>
<h3 id="list">Submissions</h3>
<p class="muted">Each spec's section below holds its submissions; open one by its title. The filter searches them all and opens the sections it finds something in.</p>
${CONTROLS}
</section>
${sections.join('\n')}`;
  return { html, specs: model.bySpec.map((g, k) => [anchors[k]!, g.spec!]) };
}
