// Mistake: setTimeout(show('timeout 500'), 500) calls show at once and passes setTimeout its
// result (undefined) instead of a function: "timeout 500" prints immediately, then Node
// throws ERR_INVALID_ARG_TYPE and the program stops before "end".
function show(text) {
  console.log(text);
}

console.log('start');

setTimeout(show('timeout 500'), 500);
setTimeout(() => show('timeout 0'), 0);
Promise.resolve().then(() => show('promise'));

console.log('end');
