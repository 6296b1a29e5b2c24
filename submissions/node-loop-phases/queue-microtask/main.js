// Mistake: queueMicrotask used for the "nextTick" line, as if it were process.nextTick. It
// queues an ordinary microtask, behind the promise callback queued before it: "promise"
// prints before "nextTick". (process.nextTick has its own queue, emptied before any
// microtask.)
const fs = require('node:fs');

console.log('start');

Promise.resolve().then(() => console.log('promise'));
queueMicrotask(() => console.log('nextTick'));

fs.readFile(__filename, () => {
  console.log('file read');
  setTimeout(() => console.log('timeout 0'), 0);
  setImmediate(() => console.log('immediate'));
});

console.log('end');
