// Forgery: the tracer reads V8 call sites to tell an async call from an await. This program
// tries to feed it invented ones — its own Error.prepareStackTrace returning frames that look
// like fetchData's and printNumbers' entries, and a replaced global Error — while plain timers
// print everything. Both are locked at preload time (the setter keeps the program's function
// for its own errors only; Error cannot be reassigned), so no call is seen to run.
const fake = (name) => ({
  getFileName: () => __filename,
  getFunctionName: () => name,
  getLineNumber: () => 1,
  getColumnNumber: () => 1,
  getEnclosingLineNumber: () => 1,
  getEnclosingColumnNumber: () => 1,
  isAsync: () => false,
  isConstructor: () => false,
  getTypeName: () => null,
  getMethodName: () => null,
});
let turn = 0;
try {
  Error.prepareStackTrace = () => [fake(turn++ % 2 ? 'printNumbers' : 'fetchData')];
} catch (e) {
  /* locked */
}
try {
  Object.defineProperty(Error, 'prepareStackTrace', { value: () => [fake('fetchData')] });
} catch (e) {
  /* locked */
}
try {
  globalThis.Error = function Error() {};
  globalThis.Error.prepareStackTrace = () => [fake('printNumbers')];
} catch (e) {
  /* locked */
}
console.log('start fetching');
for (let i = 0; i < 10; i++) setTimeout(() => Promise.resolve().then(() => console.log(i)), i * 250);
setTimeout(() => {
  console.log('done fetching');
  console.log({ data: 1 });
}, 2010);
