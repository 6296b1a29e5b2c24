/** Reading a live CPython's stacks from outside: see docs/pystack.md. */
export { openPyStackReader } from './reader.js';
export { CO_COROUTINE, MAX_FRAMES, type PyFrame, type PyStackReader, type PyThreadStack } from './types.js';
export { readableVersion } from './supported.js';
export { prefetchSymbols } from './locate.js';
