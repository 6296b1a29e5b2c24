// Mistake: rewritten with async/await, but countPosts(user) is not awaited. posts is the
// pending Promise itself: "posts: Promise { <pending> }" and "done" print at once, and the posts
// are fetched after the program has already said it is done.
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

async function main() {
  console.log('start');
  const user = await fetchUser(1);
  console.log(`user: ${user.name}`);
  const posts = countPosts(user);
  console.log('posts:', posts);
  console.log('done');
}

main();
