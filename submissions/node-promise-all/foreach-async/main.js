// Mistake: an async callback given to forEach. forEach calls it for each file and does not
// wait for the promises it returns, so "results: " (empty) and "all done" print at once,
// and the downloads finish afterwards.
function download(name, ms) {
  return new Promise((resolve) => {
    setTimeout(() => {
      console.log(`${name} done`);
      resolve(name);
    }, ms);
  });
}

const files = [['a', 800], ['b', 500], ['c', 300]];

async function main() {
  console.log('start');
  const results = [];
  files.forEach(async ([name, ms]) => {
    results.push(await download(name, ms));
  });
  console.log(`results: ${results.join(', ')}`);
  console.log('all done');
}

main();
