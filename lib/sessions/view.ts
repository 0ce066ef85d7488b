/**
 * A session as the domain and the use cases see it, whatever custom resource holds it: each
 * backend (lib/backends/<crd>/) reads its resource into this view, so rules written against the
 * view (filters, ownership) serve a JupyterServer and an AmaltheaSession alike.
 */
export interface SessionView {
  name: string;
  /** The owner's safe username (label) and user id, as recorded at creation. */
  owner: { safeUsername: string | undefined; userId: string | undefined };
  project: { namespace: string | undefined; name: string | undefined };
  branch: string | undefined;
  commitSha: string | undefined;
}
