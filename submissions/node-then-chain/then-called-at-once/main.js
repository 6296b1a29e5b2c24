// Mistake: the last step is written .then(console.log('done')): console.log runs at once,
// while the chain is being built, and .then gets undefined, which it silently ignores. "done"
// prints right after "start", before anything was fetched.
function fetchUser(id) {
  return new Promise((resolve) => {
    setTimeout(() => {
      console.log(`fetched user ${id}`);
      resolve({ id, name: 'ada' });
    }, 300);
  });
}

function countPosts(user) {
  return new Promise((resolve) => {
    setTimeout(() => {
      console.log(`fetched posts of ${user.name}`);
      resolve(3);
    }, 300);
  });
}

console.log('start');
fetchUser(1)
  .then((user) => {
    console.log(`user: ${user.name}`);
    return countPosts(user);
  })
  .then((posts) => {
    console.log(`posts: ${posts}`);
  })
  .then(console.log('done'));
