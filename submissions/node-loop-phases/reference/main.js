// The event loop's queues, in the order Node empties them: the synchronous code runs to the
// end; then process.nextTick callbacks; then microtasks (promise callbacks); then the loop's
// phases. Inside an I/O callback (here fs.readFile's), the check phase comes before the
// timers again, so setImmediate always runs before a 0 ms setTimeout. (In the main module
// that order is a race: it depends on how fast the process started.)
const fs = require('node:fs');

console.log('start');

Promise.resolve().then(() => console.log('promise'));
process.nextTick(() => console.log('nextTick'));

fs.readFile(__filename, () => {
  console.log('file read');
  setTimeout(() => console.log('timeout 0'), 0);
  setImmediate(() => console.log('immediate'));
});

console.log('end');
