// Three downloads started together and awaited with Promise.all: they run at the same time,
// so the program takes as long as the longest (0.8 s), and the results come back in the
// order of the input array, whatever order the downloads finished in.
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
  const results = await Promise.all(files.map(([name, ms]) => download(name, ms)));
  console.log(`results: ${results.join(', ')}`);
  console.log('all done');
}

main();
