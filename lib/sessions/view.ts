/**
 * A session as the domain and the use cases see it, whatever custom resource holds it: each
 * backend (lib/backends/<crd>/) reads its resource into this view, so rules written against the
 * view (filters, ownership) serve a JupyterServer and an AmaltheaSession alike.
 */
export interface SessionView {
  name: string;
  /**
   * The owner's safe username (label), user id and identity kind ("registered" or "anonymous"), as
   * recorded at creation; sessions made before the kind was recorded have none.
   */
  owner: { safeUsername: Text; userId: Text; kind?: Text };
  project: { namespace: Text; name: Text };
  branch: Text;
  commitSha: Text;
}

/** A recorded value; absent (or null) when the resource does not carry it. */
type Text = string | null | undefined;
