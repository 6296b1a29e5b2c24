// Two steps that each take 0.3 s, chained with .then: each callback returns the next
// promise, so the next .then waits for it and receives its value.
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
  .then(() => console.log('done'));
