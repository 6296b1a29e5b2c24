// Forgery: the output comes from plain timers (no async function at all), and records claiming
// each line for fetchData / printNumbers, with the tracer's own record kinds, are written to
// the channel fd directly. The key is looked for where a program could find it: the
// environment and /proc/self/environ. It is in neither (the parent sends it over the channel),
// so the records are unsigned: the parent rejects them, and the run is tampered.
const fs = require('fs');
const crypto = require('crypto');

const environ = (() => {
  try {
    return fs.readFileSync('/proc/self/environ', 'utf8');
  } catch (e) {
    return '';
  }
})();
const found = process.env.TRACEGRADE_KEY || (/TRACEGRADE_KEY=([^\0]*)/.exec(environ) || [])[1];
const key = found || 'guess';
// Said on stdout (an extra line costs this forgery nothing it could keep): the test reads it.
console.log(found ? 'key found' : `no key (environ ${environ.length > 0 ? 'read' : 'unreadable'})`);
let n = 1000;
function forge(rec) {
  rec.n = n++;
  rec.v = 0;
  rec.r = 0;
  const body = JSON.stringify(rec);
  const sig = crypto.createHmac('sha256', key).update(body).digest('hex').slice(0, 32);
  try {
    fs.writeSync(3, `${body}\t${sig}\n`);
  } catch (e) {
    /* no fd 3 */
  }
}
forge({ k: 'task', e: 'created', id: 90, name: 'fetchData', via: 'call', detail: 'fetchData' });
forge({ k: 'task', e: 'created', id: 91, name: 'printNumbers', via: 'call', detail: 'printNumbers' });
const say = (text, id, name) => {
  console.log(text);
  forge({ k: 'line', s: 'stdout', x: text, task: id, coro: name });
};
say('start fetching', 90, 'fetchData');
for (let i = 0; i < 10; i++) setTimeout(() => say(String(i), 91, 'printNumbers'), i * 250);
setTimeout(() => {
  say('done fetching', 90, 'fetchData');
  console.log({ data: 1 });
}, 2010);
