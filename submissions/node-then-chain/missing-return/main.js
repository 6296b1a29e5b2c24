// Mistake: the first .then calls countPosts(user) but does not return its promise. The callback
// returns undefined, so the next .then runs at once with posts = undefined: "posts: undefined"
// and "done" print before the posts are fetched.
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
    countPosts(user);
  })
  .then((posts) => {
    console.log(`posts: ${posts}`);
  })
  .then(() => console.log('done'));
