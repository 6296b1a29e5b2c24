export type * from './types.js';
export { evaluateChecks, evaluateCheck } from './evaluate.js';
export {
  matches,
  matchesText,
  findAll,
  findFrom,
  select,
  selectOne,
  pickOccurrence,
  findNearMiss,
  editDistance,
  compile,
  type NearMiss,
  type NearMissReason,
  type Range,
} from './match.js';
export { fmtTime, fmtDuration, fmtSpecDuration, quote, cite, citeShort, describe } from './format.js';
export { capture, parseNumber, parseList } from './values/index.js';
export { evaluateTaskRule, whyNoTasks } from './tasks/index.js';
