/** The score distribution of a class (or a spec's submissions) as an accessible inline SVG. */

import { esc } from './timeline.js';

const range = (i: number) => (i === 9 ? '90–100%' : `${i * 10}–${i * 10 + 9}%`);

/** Ten 10-point bins (the last includes 100 %); `id` prefixes the SVG's title and desc ids. */
export function histogramSvg(percents: number[], id: string, label = 'Score distribution'): string {
  const bins = Array.from({ length: 10 }, () => 0);
  for (const p of percents) bins[Math.min(9, Math.floor(p / 10))]!++;
  const W = 420;
  const H = 210;
  const L = 34;
  const B = 34;
  const T = 14;
  const max = Math.max(1, ...bins);
  const bw = (W - L - 22) / 10;
  const y = (n: number) => H - B - (n / max) * (H - B - T);
  const parts: string[] = [];
  const yStep = max <= 5 ? 1 : Math.ceil(max / 5);
  for (let n = 0; n <= max; n += yStep) {
    parts.push(`<line x1="${L}" x2="${L + 10 * bw}" y1="${y(n)}" y2="${y(n)}" stroke="#d1d9e0"/>`);
    parts.push(`<text x="${L - 6}" y="${y(n) + 4}" text-anchor="end" font-size="11" fill="#59636e">${n}</text>`);
  }
  bins.forEach((n, i) => {
    const x = L + i * bw + 3;
    const fill = i >= 9 ? '#1a7f37' : i >= 5 ? '#3d5a80' : '#b42318';
    if (n > 0) {
      parts.push(
        `<rect x="${x}" y="${y(n)}" width="${bw - 6}" height="${H - B - y(n)}" fill="${fill}" rx="2"><title>${n} submission${n === 1 ? '' : 's'} scored ${range(i)}</title></rect>`,
      );
      parts.push(`<text x="${x + (bw - 6) / 2}" y="${y(n) - 4}" text-anchor="middle" font-size="11" font-weight="600" fill="#1f2328">${n}</text>`);
    }
  });
  for (let i = 0; i <= 10; i += 2) {
    const x = L + i * bw;
    parts.push(`<line x1="${x}" x2="${x}" y1="${H - B}" y2="${H - B + 5}" stroke="#59636e"/>`);
    parts.push(`<text x="${x}" y="${H - B + 18}" text-anchor="middle" font-size="11" fill="#59636e">${i * 10}%</text>`);
  }
  parts.push(`<line x1="${L}" x2="${L + 10 * bw}" y1="${H - B}" y2="${H - B}" stroke="#59636e"/>`);
  parts.push(`<text x="${(L + W) / 2}" y="${H - 2}" text-anchor="middle" font-size="11" fill="#59636e">score (% of the maximum)</text>`);
  const desc = bins
    .map((n, i) => [n, range(i)] as const)
    .filter(([n]) => n > 0)
    .map(([n, r]) => `${r}: ${n}`)
    .join('; ');
  return (
    `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">` +
    `<title id="${id}-title">${esc(label)}</title><desc id="${id}-desc">Number of submissions per score range: ${esc(desc || 'none')}.</desc>` +
    parts.join('') +
    `</svg>`
  );
}
