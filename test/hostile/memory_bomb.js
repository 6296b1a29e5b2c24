// Hostile (Node): grows the heap without end. Expect: memory-limit (heap out of memory), start kept.
console.log('start');
const hog = [];
for (;;) hog.push(new Array(1e6).fill(hog.length));
