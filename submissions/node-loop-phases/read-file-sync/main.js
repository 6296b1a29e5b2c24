// Mistake: fs.readFileSync instead of fs.readFile. The file is read synchronously, so
// "file read" prints before "end", and the 0 ms timer and the immediate are scheduled from
// the main module instead of from an I/O callback. The immediate is nested in the timer's
// callback here (the only way to pin their order outside I/O), so "timeout 0" comes first.
const fs = require('node:fs');

console.log('start');

Promise.resolve().then(() => console.log('promise'));
process.nextTick(() => console.log('nextTick'));

fs.readFileSync(__filename);
console.log('file read');
setTimeout(() => {
  console.log('timeout 0');
  setImmediate(() => console.log('immediate'));
}, 0);

console.log('end');
