// Hostile (Node): a busy loop that never yields to the event loop.
console.log('start');
for (;;);
