// Forgery: async functions named fetchData and printNumbers really overlap, but print nothing
// graded (one line each of their own); plain timers print the graded lines at the right times.
// The structure tracer attributes each line to the call that was running when it was written:
// a timer's callback runs outside any call, so `by: fetchData` / `by: printNumbers` match none
// of the graded lines.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchData() {
  console.log('fetchData here');
  await sleep(300);
}

async function printNumbers() {
  await sleep(100);
  console.log('printNumbers here');
  await sleep(300);
}

async function main() {
  await Promise.all([fetchData(), printNumbers()]);
}

main();
console.log('start fetching');
for (let i = 0; i < 10; i++) setTimeout(() => console.log(i), i * 250);
setTimeout(() => {
  console.log('done fetching');
  console.log({ data: 1 });
}, 2010);
