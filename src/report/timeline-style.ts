/** The timeline figure's geometry, classes and colours, shared by its parts. */

export const W = 1000;
export const LEFT = 132;
export const RIGHT = 24;
export const ROW = 15;
export const CHAR = 6.6; // width of one 11px monospace character
export const LABEL_CHARS = 22;
export const MAX_ROWS = 5;
/** A white halo under label text, so labels stay readable over hatching and leader lines. */
export const HALO = 'class="tl-halo"';
export const FONT = 'class="tl-mono"';
/** Styles of the classes above; the page's stylesheet includes it once (see html-assets.ts). */
export const TIMELINE_CSS = `
svg.timeline .tl-mono, svg.timeline .tl-label { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
svg.timeline .tl-halo, svg.timeline .tl-label { stroke: #fff; stroke-width: 3px; stroke-linejoin: round; paint-order: stroke; }
`;

export const COLORS = {
  text: '#1f2328',
  muted: '#59636e',
  grid: '#d1d9e0',
  lane: '#f6f8fa',
  mark: '#3d4a57',
  offending: '#b42318',
  near: '#8a4b00',
  anchor: '#0b57d0',
  windowFail: '#b42318',
  windowPass: '#1a7f37',
  task: '#57606a',
  running: '#3d5a80',
  blocking: '#b42318',
};
