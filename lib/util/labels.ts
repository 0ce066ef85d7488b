/** Kubernetes' rule for label values, which selectors, labels and anonymous ids (D9) all obey. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Whether a string may be a Kubernetes label value: at most 63 characters, alphanumeric ends. */
export const isLabelValue = (value: string) => value.length <= 63 && LABEL_VALUE.test(value);

/** Kubernetes' DNS-1123 label (namespaces, object name prefixes, session names); length apart. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kubernetes' length limit for a label value. */
export const MAX_LABEL_VALUE = 63;

/**
 * The documented rule for a label whose value may be too long (a SHA-256 commit has 64 hex
 * digits): a valid value is kept; a longer one is cut to its first 63 characters when that cut is
 * a valid value; anything else gives undefined (the label is left out; the annotation of the same
 * name keeps the whole value).
 */
export function fitLabelValue(value: string): string | undefined {
  if (isLabelValue(value)) return value;
  const cut = value.slice(0, MAX_LABEL_VALUE);
  return value.length > MAX_LABEL_VALUE && isLabelValue(cut) ? cut : undefined;
}
