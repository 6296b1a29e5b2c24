// Mistake: try/catch around a .then chain. The try block only starts the chain and is left
// at once; the rejection comes 0.2 s later, outside it, and nothing handles it: the program
// crashes with the error (exit code 1) and the server never starts.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Reading the config takes 0.2 s and fails: the file is missing.
async function loadConfig() {
  await sleep(200);
  throw new Error('config file missing');
}

const DEFAULTS = { port: 8080 };

console.log('loading config');
try {
  loadConfig().then((config) => {
    console.log(`server ready on port ${config.port}`);
  });
} catch (err) {
  console.log(`could not load config: ${err.message}`);
  console.log(`server ready on port ${DEFAULTS.port}`);
}
