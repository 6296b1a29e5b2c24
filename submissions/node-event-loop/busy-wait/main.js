// Mistake: "wait 500 ms" written as a loop that watches the clock, as a sleep would.
// It blocks the one JavaScript thread: nothing else runs for 0.5 s — not "end", not the
// promise callback, not even the 0 ms timer — and "timeout 500" comes first.
function sleep(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy-waiting
  }
}

console.log('start');

sleep(500);
console.log('timeout 500');
setTimeout(() => console.log('timeout 0'), 0);
Promise.resolve().then(() => console.log('promise'));

console.log('end');
