// Mistake: await inside the loop. Each download starts only when the one before has
// finished, so they run one after another: a, b, c in the array's order, and 0.8 + 0.5 +
// 0.3 = 1.6 s in all instead of 0.8 s.
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
  for (const [name, ms] of files) {
    results.push(await download(name, ms));
  }
  console.log(`results: ${results.join(', ')}`);
  console.log('all done');
}

main();
