// Mistake: the error is caught and swallowed. The program goes on with the defaults, which is
// right, but never says that the config could not be loaded.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Reading the config takes 0.2 s and fails: the file is missing.
async function loadConfig() {
  await sleep(200);
  throw new Error('config file missing');
}

const DEFAULTS = { port: 8080 };

async function main() {
  console.log('loading config');
  const config = await loadConfig().catch(() => DEFAULTS);
  console.log(`server ready on port ${config.port}`);
}

main();
