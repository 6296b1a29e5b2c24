// The event loop in order: synchronous code runs to the end first, then the microtask queue
// (promise callbacks), then the timers — a 0 ms timer too — each when its time has come.
console.log('start');

setTimeout(() => console.log('timeout 500'), 500);
setTimeout(() => console.log('timeout 0'), 0);
Promise.resolve().then(() => console.log('promise'));

console.log('end');
