/**
 * Kubernetes-style quantities as the reference parsed them (section 6.1): CPU cores, byte sizes
 * and GPU counts. Parsing failures throw QuantityError; callers turn them into 422s naming the field.
 */
export class QuantityError extends Error {
  // Minified bundles rename classes; tools that print constructor.name must see this one.
  static {
    Object.defineProperty(QuantityError, "name", { value: "QuantityError" });
  }
  constructor(message: string) {
    super(message);
    this.name = "QuantityError";
  }
}

// Digits with at most one dot, then an optional unit: each character has one place to go, so a
// failing match costs linear time (the former `[0-9]*\.?[0-9]*` was quadratic on "1111...!").
const CPU_RE = /^(\d+(?:\.\d*)?|\.\d+)(m?)$/;

/** "0.5" -> 0.5, "500m" -> 0.5, 2 -> 2. Negative or unit-bearing values are rejected. */
export function parseCpu(value: string | number): number {
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = CPU_RE.exec(text);
  const digits = match?.[1];
  if (!match || !digits) throw new QuantityError("Not a valid CPU value.");
  const n = Number(digits);
  if (!Number.isFinite(n) || n < 0) throw new QuantityError("Not a valid CPU value.");
  return match[2] === "m" ? n / 1000 : n;
}

const BYTE_RE = /^(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]*)$/;
const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
  ti: 1024 ** 4,
  pi: 1024 ** 5,
  ei: 1024 ** 6,
};
["k", "m", "g", "t", "p", "e"].forEach((u, i) => {
  UNITS[u] = 1000 ** (i + 1);
  UNITS[`${u}b`] = 1000 ** (i + 1);
});

/** "1G" -> 1e9, "1Gi" -> 2^30, "1kb" -> 1000, 400.55 -> 401 (rounded to whole bytes). */
export function parseBytes(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw new QuantityError("Not a valid byte size.");
    return Math.round(value);
  }
  const match = BYTE_RE.exec(value.trim());
  const factor = match ? UNITS[(match[2] ?? "").toLowerCase()] : undefined;
  if (!match || factor === undefined) throw new QuantityError("Not a valid byte size.");
  return Math.round(Number(match[1]) * factor);
}

/** A GPU count: a non-negative whole number (2.5, "3.5" and negatives are rejected). */
export function parseGpu(value: string | number): number {
  const n =
    typeof value === "number" ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 0) throw new QuantityError("Not a valid GPU value.");
  return n;
}

/** Bytes as decimal gigabytes, the reference's rendering (D10): 1e9 -> "1G", 1.5e9 -> "1.50G". */
export function formatGigabytes(bytes: number): string {
  const gb = bytes / 1e9;
  return Number.isInteger(gb) ? `${gb}G` : `${gb.toFixed(2)}G`;
}

/** A Kubernetes quantity (as stored in a manifest) read back as a number of cores. */
export function cpuFromQuantity(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseCpu(value);
  } catch {
    return undefined;
  }
}

/** A Kubernetes quantity read back as bytes (e.g. "1Gi", "1G", 1000000000). */
export function bytesFromQuantity(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseBytes(value);
  } catch {
    return undefined;
  }
}
