/** The JupyterServer backend: the only code that knows the custom resource's shape. */
export { imagePullSecretName } from "./patches/jupyter-server.js";
export type * from "./types.js";
