// Forgery: a debugger session into the process would reach the tracer's closures (its channel,
// key and numbering). Every way in is tried: node:inspector's Session, inspector.open,
// process.binding('inspector'). All are refused under the structure tracer, so the program
// falls back to printing the right lines at the right times from plain timers, with no async
// function doing the work: the output checks pass, the structure checks cannot.
let reached = false;
try {
  const { Session } = require('inspector');
  const s = new Session();
  s.connect();
  reached = true;
} catch (e) {
  /* refused */
}
try {
  require('inspector').open(0);
  reached = true;
} catch (e) {
  /* refused */
}
try {
  const b = process.binding('inspector');
  reached = reached || !!b.Connection;
} catch (e) {
  /* refused */
}
if (reached) console.log('inspector reached');
console.log('start fetching');
for (let i = 0; i < 10; i++) setTimeout(() => console.log(i), i * 250);
setTimeout(() => {
  console.log('done fetching');
  console.log({ data: 1 });
}, 2010);
