// Mistake: the message comes from an async function, logged without `await` or `.then`:
// an async function always returns a Promise, so this prints `Promise { 'promise' }`,
// synchronously, and the "promise" line never appears.
async function message() {
  return 'promise';
}

console.log('start');

setTimeout(() => console.log('timeout 500'), 500);
setTimeout(() => console.log('timeout 0'), 0);
console.log(message());

console.log('end');
