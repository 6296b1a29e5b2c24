// Mistake: printNumbers waits with a busy loop on the clock (a "sleep" that never yields).
// The numbers still tick every 0.25 s, but they block the one JavaScript thread: fetchData's
// 2 s timer cannot fire until the counting is over, so "done fetching" comes after 9, at 2.5 s.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function sleepBlocking(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy-waiting
  }
}

async function fetchData() {
  console.log('start fetching');
  await sleep(2000);
  console.log('done fetching');
  return { data: 1 };
}

async function printNumbers() {
  for (let i = 0; i < 10; i++) {
    console.log(i);
    sleepBlocking(250);
  }
}

async function main() {
  const fetching = fetchData();
  const counting = printNumbers();
  const value = await fetching;
  console.log(value);
  await counting;
}

main();
