/** Kubernetes' rule for label values, which selectors, labels and anonymous ids (D9) all obey. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Whether a string may be a Kubernetes label value: at most 63 characters, alphanumeric ends. */
export const isLabelValue = (value: string) => value.length <= 63 && LABEL_VALUE.test(value);
