/**
 * Static server options (D16b, section 6.2): the <=1.15 style choices from configuration, used
 * when no resource-pool service is configured. Validation keeps the reference's messages.
 */
import type { Config } from "../config/schema.js";
import { validationError } from "../errors.js";
import {
  formatGigabytes,
  parseBytes,
  parseCpu,
  parseGpu,
  QuantityError,
} from "../util/quantities.js";
import type { ResolvedResources } from "./types.js";

/** The legacy `serverOptions` object of the launch body, values as the caller sent them. */
export interface LegacyServerOptions {
  defaultUrl?: string;
  cpu_request?: number | string;
  mem_request?: number | string;
  disk_request?: number | string;
  gpu_request?: number | string;
  lfs_auto_fetch?: boolean;
}

/** The launch-body fields that shape resources. */
export interface ResourceRequest {
  serverOptions?: LegacyServerOptions | undefined;
  /** Top-level `default_url`, which wins over serverOptions.defaultUrl. */
  defaultUrl?: string | undefined;
  /** Top-level `lfs_auto_fetch`. */
  lfsAutoFetch?: boolean | undefined;
  /** Top-level `storage` in GB. */
  storageGb?: number | undefined;
}

/** Parsed legacy options: cpu in cores, memory/disk in bytes. */
export interface ParsedServerOptions {
  defaultUrl: string;
  cpu_request: number;
  mem_request: number;
  disk_request: number;
  gpu_request: number;
  lfs_auto_fetch: boolean;
}

type Choices = Config["server_options"]["ui_choices"];
type Choice = Choices[string];
type Raw = string | number | boolean;

const QUANTITY_KEYS = ["cpu_request", "mem_request", "disk_request", "gpu_request"] as const;
type QuantityKey = (typeof QUANTITY_KEYS)[number];
const PARSERS: Record<QuantityKey, (v: string | number) => number> = {
  cpu_request: parseCpu,
  mem_request: parseBytes,
  disk_request: parseBytes,
  gpu_request: parseGpu,
};
/** Fallbacks of the reference's request schema when neither defaults nor choices say. */
const BUILTIN: Record<QuantityKey, number> = {
  cpu_request: 0,
  mem_request: 0,
  disk_request: 1_000_000_000,
  gpu_request: 0,
};

function defaultRaw(config: Config, key: string): Raw | undefined {
  const fromDefaults = (config.server_options.defaults as Record<string, unknown>)[key];
  if (
    typeof fromDefaults === "string" ||
    typeof fromDefaults === "number" ||
    typeof fromDefaults === "boolean"
  )
    return fromDefaults;
  return config.server_options.ui_choices[key]?.default;
}

function parseField(key: QuantityKey, value: Raw, field: string): number {
  try {
    if (typeof value === "boolean") throw new QuantityError("Not a valid value.");
    return PARSERS[key](value);
  } catch (err) {
    if (err instanceof QuantityError)
      throw validationError(`Field '${field}' has errors: ${err.message}`);
    throw err;
  }
}

/**
 * Parses the legacy options, filling absent quantities from the configured defaults, or, with
 * `builtinDefaults` (resource-pool mode, as 1.18), from the request schema's own (0 CPU, 0 memory,
 * 1 GB disk, 0 GPU).
 */
export function parseServerOptions(
  config: Config,
  request: ResourceRequest,
  builtinDefaults = false,
): ParsedServerOptions {
  const given = request.serverOptions ?? {};
  const out: Partial<ParsedServerOptions> = {};
  for (const key of QUANTITY_KEYS) {
    const raw = given[key];
    if (raw !== undefined) out[key] = parseField(key, raw, `serverOptions.${key}`);
    else {
      const dflt = builtinDefaults ? undefined : defaultRaw(config, key);
      out[key] = dflt === undefined ? BUILTIN[key] : parseField(key, dflt, `serverOptions.${key}`);
    }
  }
  if (given.disk_request === undefined && request.storageGb !== undefined) {
    out.disk_request = Math.round(request.storageGb * 1e9);
  }
  const dfltUrl = defaultRaw(config, "defaultUrl");
  out.defaultUrl =
    request.defaultUrl ?? given.defaultUrl ?? (typeof dfltUrl === "string" ? dfltUrl : "/lab");
  const dfltLfs = defaultRaw(config, "lfs_auto_fetch");
  out.lfs_auto_fetch = request.lfsAutoFetch ?? given.lfs_auto_fetch ?? dfltLfs === true;
  return out as ParsedServerOptions;
}

/** Python-style rendering of a list, as the reference's messages print it. */
function pyList(values: readonly (string | number)[]): string {
  return `[${values.map((v) => (typeof v === "string" ? `'${v}'` : String(v))).join(", ")}]`;
}

function comparable(key: string, value: Raw): Raw {
  if (key in PARSERS && typeof value !== "boolean") {
    try {
      return PARSERS[key as QuantityKey](value);
    } catch {
      return Number.NaN;
    }
  }
  return value;
}

function checkChoice(
  key: string,
  value: Raw,
  choice: Choice | undefined,
  dflt: Raw | undefined,
): string | undefined {
  if (!choice) {
    if (dflt === undefined || comparable(key, value) === comparable(key, dflt)) return undefined;
    return `Provided ${key} value does not match the allowed value of ${String(dflt)}`;
  }
  if (choice.type === "boolean" || choice.allow_any_value) return undefined;
  if (choice.value_range) {
    const { min, max } = choice.value_range;
    const v = comparable(key, value);
    if (v >= comparable(key, min) && v <= comparable(key, max)) return undefined;
    return `Provided ${key} value not within allowed range of ${min} and ${max}.`;
  }
  const options = choice.options ?? [];
  const v = comparable(key, value);
  if (options.some((o) => comparable(key, o) === v)) return undefined;
  return `Provided ${key} value is not in the allowed options ${pyList(options)}`;
}

/** The reference's messages for every option outside the configured choices (empty when valid). */
export function serverOptionViolations(config: Config, parsed: ParsedServerOptions): string[] {
  const choices = config.server_options.ui_choices;
  const messages: string[] = [];
  for (const key of ["defaultUrl", ...QUANTITY_KEYS, "lfs_auto_fetch"] as const) {
    const msg = checkChoice(key, parsed[key], choices[key], defaultRaw(config, key));
    if (msg) messages.push(msg);
  }
  return messages;
}

/**
 * Resources of a session under static server options: parse, validate (422 code 1422 whose
 * detail carries the reference messages), and resolve.
 */
export function resolveStaticResources(
  config: Config,
  request: ResourceRequest,
): ResolvedResources {
  const parsed = parseServerOptions(config, request);
  const violations = serverOptionViolations(config, parsed);
  if (violations.length > 0) {
    throw validationError(`Field 'serverOptions' has errors: ${violations.join(" ")}`);
  }
  return {
    cpu: parsed.cpu_request,
    memory: parsed.mem_request,
    storage: parsed.disk_request,
    gpu: parsed.gpu_request,
    defaultUrl: parsed.defaultUrl,
    lfsAutoFetch: parsed.lfs_auto_fetch,
    priorityClass: null,
    resourceClassId: null,
  };
}

const BYTE_KEYS = new Set(["mem_request", "disk_request"]);

function renderBytes(value: unknown): unknown {
  if (typeof value !== "string" && typeof value !== "number") return value;
  try {
    return formatGigabytes(parseBytes(value));
  } catch {
    return value;
  }
}

/**
 * GET /server_options ([1.18] shape): the configured choices plus `cloudstorage.s3.enabled`
 * (always false, D13). With a resource-pool service only defaultUrl and lfs_auto_fetch remain,
 * as from 1.16; with static options the <=1.15 quantity entries stay, byte values as "NG".
 */
export function serverOptionsResponse(config: Config): Record<string, unknown> {
  // The configuration never changes in a container: render once per configuration.
  let out = rendered.get(config);
  if (!out) {
    out = renderServerOptions(config);
    rendered.set(config, out);
  }
  return out;
}

const rendered = new WeakMap<Config, Record<string, unknown>>();

function renderServerOptions(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keep = config.crc_url ? new Set(["defaultUrl", "lfs_auto_fetch"]) : undefined;
  for (const [key, choice] of Object.entries(config.server_options.ui_choices)) {
    if (keep && !keep.has(key)) continue;
    if (!BYTE_KEYS.has(key)) {
      out[key] = choice;
      continue;
    }
    const rendered: Record<string, unknown> = { ...choice, default: renderBytes(choice.default) };
    if (choice.options) rendered.options = choice.options.map(renderBytes);
    if (choice.value_range)
      rendered.value_range = {
        ...choice.value_range,
        min: renderBytes(choice.value_range.min),
        max: renderBytes(choice.value_range.max),
      };
    out[key] = rendered;
  }
  out.cloudstorage = { s3: { enabled: false } };
  return out;
}
