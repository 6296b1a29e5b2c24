/** The page around the content: head with inline CSS and a CSP that blocks every request, header, footer. */

import type { GradeResults } from '../score/types.js';
import { CSS, SCRIPT } from './html-assets.js';
import { esc } from './timeline.js';

export interface PageParts {
  results: Pick<GradeResults, 'tool'>;
  title: string;
  subtitle: string;
  nav: string;
  main: string;
  /** The filtering/sorting script (the class page only; a submission's page has none, and its CSP forbids any). */
  script: boolean;
  footer: string;
}

export function page(p: PageParts): string {
  const csp = `default-src 'none'; style-src 'unsafe-inline';${p.script ? " script-src 'unsafe-inline';" : ''} img-src data:`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="tracegrade ${esc(p.results.tool.version)}">
<link rel="icon" href="data:,">
<title>${esc(p.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="page">
<h1>${esc(p.title)}</h1>
<p>${esc(p.subtitle)}</p>
</header>
${p.nav}
<main>
${p.main}
</main>
<footer>${p.footer}</footer>
${p.script ? `<script>${SCRIPT}</script>\n` : ''}</body>
</html>
`;
}
