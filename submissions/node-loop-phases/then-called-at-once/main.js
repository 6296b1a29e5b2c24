// Mistake: .then(console.log('promise')) calls console.log at once and gives .then its
// result (undefined). .then ignores anything that is not a function, without an error, so
// "promise" prints synchronously, before "end".
const fs = require('node:fs');

console.log('start');

Promise.resolve().then(console.log('promise'));
process.nextTick(() => console.log('nextTick'));

fs.readFile(__filename, () => {
  console.log('file read');
  setTimeout(() => console.log('timeout 0'), 0);
  setImmediate(() => console.log('immediate'));
});

console.log('end');
