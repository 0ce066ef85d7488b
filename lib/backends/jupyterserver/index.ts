/** The JupyterServer backend: the only code that knows the custom resource's shape. */
export { imagePullSecretName } from "../pod/containers/session.js";
export type * from "./types.js";
