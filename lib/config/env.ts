/** The NB_* grammar: NB_A__B_C=v is the setting a.b_c, and the names of every setting. */
import type * as z from "zod/mini";
import { ZodMiniObject } from "zod/mini";
import { schema } from "./schema.js";

const PREFIX = "NB_";

export const envName = (path: readonly PropertyKey[]) =>
  PREFIX + path.map((p) => String(p).toUpperCase()).join("__");

/** NB_A__B_C=v -> {a: {b_c: v}}; empty values count as unset. Non-NB variables are ignored. */
export function nestEnv(env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(PREFIX) || value === undefined || value === "") continue;
    const parts = key.slice(PREFIX.length).toLowerCase().split("__");
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next === "object" && next !== null) node = next as Record<string, unknown>;
      else node = node[part] = {};
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return out;
}

/** The set NB_* variables that nest under `name` (itself, or `name__...`), sorted. */
export function variablesUnder(env: Record<string, string | undefined>, name: string): string[] {
  const found = Object.keys(env)
    .filter((key) => env[key] !== undefined && env[key] !== "")
    .filter((key) => {
      const upper = key.toUpperCase();
      return upper === name || upper.startsWith(`${name}__`);
    })
    .sort();
  return found.length > 0 ? found : [name];
}

/** Every NB_* variable the schema reads, for the docs and the serverless.yml check. */
export function configVariables(): string[] {
  const names: string[] = [];
  const walk = (node: z.ZodMiniType, path: string[]) => {
    let inner: z.ZodMiniType = node;
    // Unwrap defaults and optionals to find nested objects.
    for (;;) {
      const def = (inner as unknown as { def: { type: string; innerType?: z.ZodMiniType } }).def;
      if (
        (def.type === "default" || def.type === "prefault" || def.type === "optional") &&
        def.innerType
      ) {
        inner = def.innerType;
      } else break;
    }
    if (inner instanceof ZodMiniObject) {
      for (const [key, child] of Object.entries(inner.shape))
        walk(child as z.ZodMiniType, [...path, key]);
    } else names.push(envName(path));
  };
  walk(schema, []);
  return names;
}
