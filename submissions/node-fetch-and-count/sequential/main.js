// Mistake: each async function is awaited as soon as it is called, so the counting starts
// only when the fetch is done: no overlap, "done fetching" before 0, and 2 + 2.5 = 4.5 s.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchData() {
  console.log('start fetching');
  await sleep(2000);
  console.log('done fetching');
  return { data: 1 };
}

async function printNumbers() {
  for (let i = 0; i < 10; i++) {
    console.log(i);
    await sleep(250);
  }
}

async function main() {
  const value = await fetchData();
  console.log(value);
  await printNumbers();
}

main();
