/**
 * Sentences of the compound checks (`all`, `any`): which part held or failed, named by what it
 * checks, so a student sees the failing half of "each number once, in order".
 */

import type { CheckOutcome } from '../types.js';

/** One part as evidence: its number (1-based), what it checks, and its outcome. */
export interface PartEvidence {
  n: number;
  title: string;
  outcome: CheckOutcome;
}

const label = (p: PartEvidence) => `part ${p.n} (${p.title})`;

/** "all 2 parts hold: 1) …; 2) …" */
export function renderAllPass(parts: PartEvidence[]): string {
  if (parts.length === 1) return parts[0]!.outcome.message;
  return `all ${parts.length} parts hold: ${parts.map((p) => `${p.n}) ${p.outcome.message}`).join('; ')}`;
}

/** "part 2 of 2 (Prints … in this order) fails: …" — every failing part, then what held. */
export function renderAllFail(parts: PartEvidence[]): string {
  const bad = parts.filter((p) => p.outcome.status !== 'passed');
  const good = parts.filter((p) => p.outcome.status === 'passed');
  const fails = bad.map((p) => `${label(p)} ${p.outcome.status === 'skipped' ? 'was skipped' : 'fails'}: ${p.outcome.message}`);
  const lead = parts.length === 1 ? '' : `${bad.length} of ${parts.length} parts ${bad.length === 1 ? 'does' : 'do'} not hold. `;
  const held = good.length > 0 ? ` (${good.map((p) => `part ${p.n}`).join(' and ')} ${good.length === 1 ? 'holds' : 'hold'})` : '';
  return `${lead}${capitalize(fails.join('; '))}${held}`;
}

/** "part 2 (…) holds: …" */
export function renderAnyPass(parts: PartEvidence[], first: PartEvidence): string {
  if (parts.length === 1) return first.outcome.message;
  return `${label(first)} holds: ${first.outcome.message}`;
}

/** "none of the 2 parts holds: part 1 (…): …; part 2 (…): …" */
export function renderAnyFail(parts: PartEvidence[]): string {
  if (parts.length === 1) return parts[0]!.outcome.message;
  return `none of the ${parts.length} parts holds, and one must: ${parts.map((p) => `${label(p)}: ${p.outcome.message}`).join('; ')}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
