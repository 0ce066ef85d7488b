/**
 * Trailing-slash trimming without a regex: `/\/+$/` retries from every slash of a long run and
 * so takes quadratic time on "////...x" (an image's working directory comes from its registry).
 */
export function trimTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 47) end--;
  return value.slice(0, end);
}
