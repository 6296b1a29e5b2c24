/** Value constructs: numbers captured from lines, compared with constants, other captures or the runtime. */
export { capture, parseList, parseNumber } from './parse.js';
export { evalValue } from './value.js';
