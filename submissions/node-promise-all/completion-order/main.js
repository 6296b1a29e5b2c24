// Mistake: the results are pushed into an array as each download finishes, and Promise.all
// only waits. Concurrent and 0.8 s, but the array is in completion order: "results: c, b, a".
// Promise.all's own result keeps the input order.
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
  await Promise.all(files.map(([name, ms]) => download(name, ms).then((r) => results.push(r))));
  console.log(`results: ${results.join(', ')}`);
  console.log('all done');
}

main();
