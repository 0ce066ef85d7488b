/**
 * An AmaltheaSession read into the session view (lib/sessions/view.ts). The service gives both
 * custom resources the same labels and annotations, so the JupyterServer backend's reader serves.
 */
export { sessionOwner, toSessionView } from "../pod/view.js";
