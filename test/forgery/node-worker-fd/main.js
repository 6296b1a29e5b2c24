// Forgery: a worker thread (another isolate, out of reach of the preload's hooks) writes
// records attributing every line to fetchData / printNumbers on the channel fd, which every
// thread of the process shares, while the main thread prints from plain timers. The worker
// has no key: its records are unsigned, and the run is tampered.
const { Worker } = require('worker_threads');

const worker = new Worker(
  `
  const fs = require('fs');
  let n = 1;
  const send = (rec) => { rec.n = n++; rec.v = 0; rec.r = 0; try { fs.writeSync(3, JSON.stringify(rec) + '\\t' + '0'.repeat(32) + '\\n'); } catch (e) {} };
  send({ k: 'task', e: 'created', id: 90, name: 'fetchData', via: 'call' });
  send({ k: 'task', e: 'started', id: 90 });
  send({ k: 'line', s: 'stdout', x: 'start fetching', task: 90, coro: 'fetchData' });
`,
  { eval: true },
);
worker.on('error', () => {});
console.log('start fetching');
for (let i = 0; i < 10; i++) setTimeout(() => console.log(i), i * 250);
setTimeout(() => {
  console.log('done fetching');
  console.log({ data: 1 });
}, 2010);
