// Mistake: the fetch's promise is printed without await. Both run and overlap, but the line
// that should be the fetched value is `Promise { <pending> }`, printed right after 0.
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
  const fetching = fetchData();
  const counting = printNumbers();
  const value = fetching;
  console.log(value);
  await counting;
}

main();
