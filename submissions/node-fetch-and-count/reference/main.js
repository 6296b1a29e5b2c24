// fetch-and-count in JavaScript: fetchData() waits 2 s while printNumbers() prints 0 to 9,
// one every 0.25 s. Both are started before either is awaited, so they overlap: "done
// fetching" lands between 7 and 8, and the run takes ~2.5 s, not 4.5 s.
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
  const value = await fetching;
  console.log(value);
  await counting;
}

main();
