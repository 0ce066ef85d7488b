/** A launch the seed supports: alice on renku-demo/hello-world master, whose image the registry has. */
export const launchBody = {
  namespace: "renku-demo",
  project: "hello-world",
  branch: "master",
  commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
};
