// serverless.yml resolves these while it still runs in the folder the command was typed in:
// `serverless invoke local` (serverless-esbuild) moves into its build folder before the handler
// reads its settings, so a relative kubeconfig path would point into .esbuild/.build.
const path = require("node:path");

const absolute = (name) => () => {
  const value = process.env[name];
  if (!value) return "";
  // KUBECONFIG may list several files.
  return value
    .split(path.delimiter)
    .map((p) => (p ? path.resolve(p) : p))
    .join(path.delimiter);
};

module.exports = {
  kubeconfig: absolute("NB_K8S__KUBECONFIG"),
  KUBECONFIG: absolute("KUBECONFIG"),
};
