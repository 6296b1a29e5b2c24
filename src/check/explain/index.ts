/**
 * check/'s one explanation layer: evaluators build evidence (evidence.ts) and these modules
 * write the sentences, so a cause is worded in one place.
 */
export type * from './evidence.js';
export { capitalize, listLines, stopClause, stopNote, subjectOf, whyMissing } from './missing.js';
export { errorNote, errorNoteFor, renderError, renderSite, renderWarnings, warningNote } from './crash.js';
export { renderNoTasks } from './no-tasks.js';
export { renderNoCalls } from './no-calls.js';
export {
  renderBlock,
  renderBlockingFail,
  renderBlockingPass,
  renderCause,
  renderConcurrentFail,
  renderConcurrentPass,
  renderOverlapFail,
  renderOverlapPass,
  renderThreads,
} from './structure.js';
export { renderWrongPrinter } from './printers.js';
