/**
 * The escapism rule the reference used for Kubernetes-safe names: every character outside
 * [A-Za-z0-9] becomes "-" + the uppercase hex of each of its UTF-8 bytes, then all is lower-cased.
 */
export function escapeName(value: string): string {
  let out = "";
  for (const ch of value) {
    if (/^[A-Za-z0-9]$/.test(ch)) out += ch;
    else
      for (const byte of Buffer.from(ch, "utf8"))
        out += `-${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out.toLowerCase();
}

export const MAX_SAFE_USERNAME = 63;
