/**
 * The timeline SVG of one run: stdout and stderr lanes over time (one lane per asyncio task
 * when the task tracer ran), each printed line a labelled mark, the expected windows of timing
 * checks shaded, and the lines a failing check is about drawn larger, in another shape and
 * colour, with the check's note as their label. Pure string building: no DOM, no script.
 */

import type { LineRef, TimeWindow } from '../check/types.js';
import type { RunRecord } from '../trace/types.js';
import { secsProse, truncate, visible } from './text.js';
import { taskLanes } from './timeline-lanes.js';
import { clip, markShape, placeLabels, roleOf, roleText, type Mark } from './timeline-marks.js';
import { CHAR, COLORS, FONT, HALO, LABEL_CHARS, LEFT, RIGHT, ROW, W } from './timeline-style.js';

export { TIMELINE_CSS } from './timeline-style.js';

/** Escape text for HTML/SVG content and attributes (program text is made visible first). */
export function esc(s: string): string {
  return visible(s, true).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A line a failing check is about, with the check it comes from. */
export interface Highlight extends LineRef {
  checkId: string;
  checkTitle: string;
}

export interface TimelineWindow extends TimeWindow {
  failed: boolean;
  checkTitle: string;
}

export interface TimelineInput {
  run: RunRecord;
  /** Unique prefix for ids inside the SVG (several timelines share one page). */
  idPrefix: string;
  highlights: Highlight[];
  windows: TimelineWindow[];
  /** Marks drawn per lane at most (a page must stay small); the rest are counted. */
  maxMarks?: number;
}

/** Tick step in ms giving at most ~10 ticks. */
function tickStep(spanMs: number): number {
  const steps = [50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];
  return steps.find((s) => spanMs / s <= 10) ?? Math.ceil(spanMs / 10 / 60_000) * 60_000;
}

function fmtTick(ms: number, step: number): string {
  const digits = step % 1000 === 0 ? 0 : step % 100 === 0 ? 1 : 2;
  return `${(ms / 1000).toFixed(digits)} s`;
}

/** Cut for a label: a bare ellipsis, since the full line is in the mark's tooltip and the table. */
/** The timeline figure's SVG markup. */
export function timelineSvg(input: TimelineInput): string {
  const { run, idPrefix } = input;
  const maxMarks = input.maxMarks ?? 300;
  const lastT = run.trace.reduce((m, l) => Math.max(m, l.tMs), 0);
  const winT = input.windows.reduce((m, w) => Math.max(m, w.toMs), 0);
  const span = Math.max(run.wallMs, lastT, winT, 100) * 1.04;
  // One decimal is finer than a pixel and keeps the markup short.
  const x = (ms: number) => Math.round((LEFT + (Math.max(0, ms) / span) * (W - LEFT - RIGHT)) * 10) / 10;
  const byIndex = new Map<number, Highlight[]>();
  for (const h of input.highlights) byIndex.set(h.index, [...(byIndex.get(h.index) ?? []), h]);

  let y = 8;

  // Band for window labels and the run's end, above the lanes.
  const bandLabels: Array<{ x: number; text: string; color: string; row: number }> = [];
  const bandTaken: Array<Array<[number, number]>> = [];
  const placeBand = (bx: number, text: string, color: string) => {
    const w = text.length * CHAR + 8;
    for (let r = 0; r < 4; r++) {
      bandTaken[r] ??= [];
      const start = Math.min(bx, W - RIGHT - w);
      if (bandTaken[r]!.every(([a, b]) => start + w <= a || start >= b)) {
        bandTaken[r]!.push([start, start + w]);
        bandLabels.push({ x: start, text, color, row: r });
        return;
      }
    }
  };
  const windows = [...input.windows].sort((a, b) => Number(b.failed) - Number(a.failed));
  // Label few windows, so the band stays readable: a failed check's first window, and a passed
  // check's window only when it has just one (an `every` check has one per tick). Every
  // window keeps its tooltip and its sentence in the description.
  const perCheck = new Map<string, number>();
  for (const w of windows) perCheck.set(w.checkTitle, (perCheck.get(w.checkTitle) ?? 0) + 1);
  const labelled = new Set<string>();
  for (const w of windows) {
    if (labelled.has(w.checkTitle) || (!w.failed && perCheck.get(w.checkTitle)! > 1)) continue;
    labelled.add(w.checkTitle);
    placeBand(x(w.fromMs), `${w.failed ? '✗ ' : ''}expected ${(w.fromMs / 1000).toFixed(2)}–${(w.toMs / 1000).toFixed(2)} s: ${truncate(w.label, 60)}`, w.failed ? COLORS.windowFail : COLORS.windowPass);
  }
  const endLabel = `${run.timedOut ? 'killed' : 'end'} ${secsProse(run.wallMs)}${run.exitCode !== null ? ` (exit ${run.exitCode})` : run.signal ? ` (${run.signal})` : ''}`;
  placeBand(x(run.wallMs) - endLabel.length * CHAR - 6, endLabel, COLORS.text);
  const bandRows = Math.max(1, bandTaken.filter((r) => r.length).length);
  const bandTop = y;
  y += bandRows * ROW + 6;
  const lanesTop = y;

  // Lanes: stdout, stderr, then tasks.
  const laneSvgs: string[] = [];
  const laneBgs: string[] = []; // drawn under the windows, so the shading shows through every lane
  const hidden: string[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const lines = run.trace.map((line, index) => ({ line, index })).filter(({ line }) => line.stream === stream);
    const marks: Mark[] = [];
    // Over the cap, draw every step-th line (so the shape over time stays) plus every highlighted one.
    const step = Math.ceil(lines.length / maxMarks);
    for (const [k, { line, index }] of lines.entries()) {
      const refs = byIndex.get(index) ?? [];
      if (k % step !== 0 && refs.length === 0) continue;
      const note = refs.find((r) => r.note)?.note;
      const prefix = refs.some((r) => r.role === 'offending') ? '✗ ' : refs.some((r) => r.role === 'near-miss') ? '? ' : '';
      const label = `${prefix}${clip(line.text, LABEL_CHARS)}${note && prefix ? ` ← ${clip(note, 40)}` : ''}`;
      marks.push({ x: x(line.tMs), line, index, refs, label, row: -1 });
    }
    if (lines.length > marks.length) hidden.push(`${stream}: every ${step}th line drawn (${marks.length} of ${lines.length})`);
    const rows = Math.max(1, placeLabels(marks));
    const h = rows * ROW + 22;
    const base = y + h - 10;
    const g: string[] = [];
    laneBgs.push(`<rect x="${LEFT}" y="${y}" width="${W - LEFT - RIGHT}" height="${h}" fill="${COLORS.lane}"/>`);
    g.push(`<text x="${LEFT - 10}" y="${base + 4}" text-anchor="end" font-size="13" font-weight="600" fill="${COLORS.text}">${stream}</text>`);
    g.push(`<text x="${LEFT - 10}" y="${base - 11}" text-anchor="end" font-size="11" fill="${COLORS.muted}">${lines.length} line${lines.length === 1 ? '' : 's'}</text>`);
    g.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${base}" y2="${base}" stroke="${COLORS.grid}" stroke-width="1"/>`);
    // Plain marks first, highlighted ones on top.
    const ordered = [...marks].sort((a, b) => Number(roleOf(a) !== 'plain') - Number(roleOf(b) !== 'plain'));
    for (const m of ordered) {
      const role = roleOf(m);
      // The trace line number first, as explanations cite it and the trace table numbers it.
      const t = `trace line ${m.index + 1}, ${secsProse(m.line.tMs, 3)} ${m.line.stream}: ${visible(truncate(m.line.text, 200))}${m.refs.length ? ` — ${roleText(m.refs)}` : ''}`;
      const cls = role === 'plain' ? 'mark' : `mark hl ${role}`;
      let s = `<g class="${cls}" data-index="${m.index}"><title>${esc(t)}</title>`;
      if (m.row >= 0) {
        const ly = base - 12 - m.row * ROW;
        const color = role === 'offending' ? COLORS.offending : role === 'near-miss' ? COLORS.near : role === 'anchor' ? COLORS.anchor : COLORS.text;
        s += `<line x1="${m.x}" x2="${m.x}" y1="${base}" y2="${ly + 3}" stroke="${role === 'plain' ? COLORS.grid : color}" stroke-width="${role === 'plain' ? 1 : 1.5}"/>`;
        s += `<text x="${m.left ? m.x - 3 : m.x + 3}" y="${ly}"${m.left ? ' text-anchor="end"' : ''} font-size="11" class="tl-label" fill="${color}"${role === 'offending' || role === 'near-miss' ? ' font-weight="700"' : ''}>${esc(m.label)}</text>`;
      }
      s += markShape(role, m.x, base) + '</g>';
      g.push(s);
    }
    laneSvgs.push(`<g class="lane lane-${stream}">${g.join('')}</g>`);
    y += h + 4;
  }

  if (run.tasks && run.tasks.length) {
    for (const lane of taskLanes(run.tasks, run.wallMs)) {
      const h = 26;
      const mid = y + h / 2;
      const g: string[] = [];
      laneBgs.push(`<rect x="${LEFT}" y="${y}" width="${W - LEFT - RIGHT}" height="${h}" fill="${COLORS.lane}"/>`);
      g.push(`<text x="${LEFT - 10}" y="${mid + 4}" text-anchor="end" font-size="11" ${FONT} fill="${COLORS.text}">${esc(truncate(lane.name, 17))}</text>`);
      g.push(
        `<rect x="${x(lane.start)}" y="${mid - 4}" width="${Math.max(1, x(lane.end) - x(lane.start))}" height="8" fill="#fff" stroke="${COLORS.task}" stroke-width="1"><title>${esc(`task ${lane.task} ${lane.name}: ${secsProse(lane.start)} – ${secsProse(lane.end)} (light: suspended, dark: running)`)}</title></rect>`,
      );
      for (const [a, b] of lane.running) g.push(`<rect x="${x(a)}" y="${mid - 4}" width="${Math.max(2, x(b) - x(a))}" height="8" fill="${COLORS.running}"/>`);
      for (const bl of lane.blocking) {
        g.push(
          `<rect x="${x(bl.t)}" y="${mid - 8}" width="${Math.max(3, x(bl.t + bl.d) - x(bl.t))}" height="16" fill="url(#${idPrefix}-hatch-fail)" stroke="${COLORS.blocking}"><title>${esc(`blocking call ${bl.detail ?? ''} for ${secsProse(bl.d)} at ${secsProse(bl.t)}`)}</title></rect>`,
        );
      }
      laneSvgs.push(`<g class="lane lane-task">${g.join('')}</g>`);
      y += h + 4;
    }
  }
  const lanesBottom = y - 4;

  // Axis with ticks and a light grid through the lanes.
  const step = tickStep(span);
  const axis: string[] = [];
  for (let t = 0; t <= span; t += step) {
    const tx = x(t);
    axis.push(`<line x1="${tx}" x2="${tx}" y1="${lanesTop}" y2="${lanesBottom + 5}" stroke="${COLORS.grid}" stroke-width="1" stroke-dasharray="${t === 0 ? '0' : '2 3'}"/>`);
    axis.push(`<text x="${tx}" y="${lanesBottom + 19}" text-anchor="middle" font-size="11" fill="${COLORS.muted}">${fmtTick(t, step)}</text>`);
  }
  axis.push(`<text x="${LEFT - 24}" y="${lanesBottom + 19}" text-anchor="end" font-size="11" fill="${COLORS.muted}">${run.clock === 'virtual' ? 'virtual time' : 'time'}</text>`);
  const height = lanesBottom + 28;

  // Windows: hatched bands through every lane (a pattern, not colour alone), labelled in the band.
  const win: string[] = [];
  // Passed windows first, failed ones on top: the missed expectation must not be hidden.
  for (const w of [...windows].reverse()) {
    const wx = x(w.fromMs);
    const ww = Math.max(2, x(w.toMs) - wx);
    win.push(
      `<rect class="window${w.failed ? ' failed' : ''}" x="${wx}" y="${bandTop}" width="${ww}" height="${lanesBottom - bandTop}" fill="url(#${idPrefix}-hatch-${w.failed ? 'fail' : 'pass'})"${w.failed ? '' : ' fill-opacity="0.6" stroke-opacity="0.6"'} stroke="${w.failed ? COLORS.windowFail : COLORS.windowPass}" stroke-width="1" stroke-dasharray="4 2"><title>${esc(`${w.failed ? 'failed' : 'passed'} check "${w.checkTitle}": expected ${secsProse(w.fromMs)} – ${secsProse(w.toMs)}: ${w.label}`)}</title></rect>`,
    );
  }
  const band = bandLabels.map(
    (b) => `<text x="${b.x + 2}" y="${bandTop + 11 + b.row * ROW}" font-size="11" font-weight="600" ${HALO} fill="${b.color}">${esc(b.text)}</text>`,
  );
  const endX = x(run.wallMs);
  const end = `<line x1="${endX}" x2="${endX}" y1="${bandTop}" y2="${lanesBottom + 5}" stroke="${COLORS.text}" stroke-width="1.5" stroke-dasharray="6 3"/>`;

  const defs =
    `<defs>` +
    `<pattern id="${idPrefix}-hatch-fail" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="7" height="7" fill="#fdecea"/><line x1="0" y1="0" x2="0" y2="7" stroke="#f2b8b5" stroke-width="3"/></pattern>` +
    `<pattern id="${idPrefix}-hatch-pass" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="7" height="7" fill="#e9f6ec"/><line x1="0" y1="0" x2="0" y2="7" stroke="#bfe3c8" stroke-width="3"/></pattern>` +
    `</defs>`;

  const stdoutN = run.trace.filter((l) => l.stream === 'stdout').length;
  const stderrN = run.trace.length - stdoutN;
  const offending = input.highlights.filter((h) => h.role === 'offending' || h.role === 'near-miss');
  const desc = [
    `${stdoutN} stdout and ${stderrN} stderr lines over ${secsProse(run.wallMs)}.`,
    ...offending.map((h) => `${h.role === 'offending' ? 'Offending' : 'Near miss'}: '${truncate(visible(h.text), 60)}' at ${secsProse(h.tMs)}${h.note ? ` (${h.note})` : ''}, for "${h.checkTitle}".`),
    ...windows.map((w) => `Expected window ${secsProse(w.fromMs)} – ${secsProse(w.toMs)}: ${w.label}${w.failed ? ' (check failed)' : ''}.`),
    ...hidden.map((h) => `${h}.`),
  ].join(' ');

  return (
    `<svg class="timeline" viewBox="0 0 ${W} ${Math.ceil(height)}" width="100%" role="img" aria-labelledby="${idPrefix}-title ${idPrefix}-desc" ` +
    `xmlns="http://www.w3.org/2000/svg" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif">` +
    `<title id="${idPrefix}-title">Timeline of what the program printed</title><desc id="${idPrefix}-desc">${esc(desc)}</desc>` +
    defs +
    laneBgs.join('') +
    axis.join('') +
    win.join('') +
    end +
    laneSvgs.join('') +
    band.join('') +
    `</svg>`
  );
}
