// Mistake: loadConfig() without await. config is a pending Promise, so try/catch catches
// nothing: "server ready on port undefined" prints at once, and 0.2 s later the rejection
// nobody handles crashes the program (Node prints the error and exits with code 1).
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
    config = loadConfig();
  } catch (err) {
    console.log(`could not load config: ${err.message}`);
    config = DEFAULTS;
  }
  console.log(`server ready on port ${config.port}`);
}

main();
