// The awaited promise rejects, and await turns the rejection into an exception that
// try/catch handles: the error is reported, the defaults are used, and the server starts.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Reading the config takes 0.2 s and fails: the file is missing.
async function loadConfig() {
  await sleep(200);
  throw new Error('config file missing');
}

const DEFAULTS = { port: 8080 };

async function main() {
  console.log('loading config');
  let config;
  try {
    config = await loadConfig();
  } catch (err) {
    console.log(`could not load config: ${err.message}`);
    config = DEFAULTS;
  }
  console.log(`server ready on port ${config.port}`);
}

main();
