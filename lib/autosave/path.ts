/**
 * The autosave routes' path parameters from the greedy `{proxy+}` part of the path, for project
 * paths (and autosave names) sent with unencoded slashes. The split follows the reference's
 * path converters: the project is everything up to the first `/autosave` that fits the route.
 */
const LIST = /^([^/].*?)\/autosave$/s;
const DELETE = /^([^/].*?)\/autosave\/([^/].*)$/s;

export function listPathParams(proxy: string): { namespace_project: string } | undefined {
  const m = LIST.exec(proxy);
  return m?.[1] ? { namespace_project: m[1] } : undefined;
}

export function deletePathParams(
  proxy: string,
): { namespace_project: string; autosave_name: string } | undefined {
  const m = DELETE.exec(proxy);
  return m?.[1] && m[2] ? { namespace_project: m[1], autosave_name: m[2] } : undefined;
}
