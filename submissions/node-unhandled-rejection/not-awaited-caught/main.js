// Mistake: the promise gets a .catch but is never awaited. Nothing crashes, but the server
// starts at once, with the defaults, before the load has even failed: "server ready" comes
// before "could not load config".
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Reading the config takes 0.2 s and fails: the file is missing.
async function loadConfig() {
  await sleep(200);
  throw new Error('config file missing');
}

const DEFAULTS = { port: 8080 };

function main() {
  console.log('loading config');
  loadConfig().catch((err) => console.log(`could not load config: ${err.message}`));
  console.log(`server ready on port ${DEFAULTS.port}`);
}

main();
