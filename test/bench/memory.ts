/**
 * Memory: one warm container (a node process that loads a function's bundle) serving 1,000
 * requests; its peak RSS, and heap growth between the 100th and the 1,000th request (after GC).
 */

import { apiEvent } from "../helpers/events.js";
import { registeredHeaders } from "../helpers/users.js";
import type { FunctionBundle } from "./bundles.js";
import { benchNode, lambdaEnv, runChild, sampleEvent, writeEvents } from "./cold-start.js";
import { mb } from "./stats.js";
import { type Row, verdict } from "./table.js";
import { getEvent, launchBody, listEvent } from "./warm.js";

const LIMIT = 256 * 1024 * 1024;

export async function memory(
  bundles: FunctionBundle[],
  standInsEnv: Record<string, string>,
  serverName: string,
  requests: number,
): Promise<Row[]> {
  const env = lambdaEnv(standInsEnv);
  const kinds: Array<{ fn: string; label: string; event: unknown }> = [
    { fn: "serversList", label: "GET /servers", event: apiEvent(listEvent) },
    { fn: "serversGet", label: "GET /servers/{name}", event: apiEvent(getEvent(serverName)) },
    {
      fn: "serversCreate",
      label: "POST /servers (existing: 200)",
      event: apiEvent({
        method: "POST",
        path: "/notebooks/servers",
        headers: registeredHeaders({ username: "alice" }),
        body: launchBody,
      }),
    },
    { fn: "serverOptions", label: "GET /server_options", event: sampleEvent("serverOptions") },
  ];
  const rows: Row[] = [];
  for (const kind of kinds) {
    const bundle = bundles.find((b) => b.name === kind.fn);
    if (!bundle) continue;
    const r = await runChild(bundle.file, writeEvents(`mem-${kind.fn}`, [kind.event]), env, {
      repeat: requests,
      nodeArgs: ["--expose-gc"],
      node: (await benchNode()).path,
    });
    if (r.report.error) {
      rows.push({ section: "5 memory", measure: kind.label, value: `error: ${r.report.error}` });
      continue;
    }
    const peak = Number(r.report.peakRss);
    const heapAt = r.report.heapAt as Record<string, number>;
    const first = heapAt["100"] ?? Number.NaN;
    const last = heapAt[String(requests)] ?? Number.NaN;
    const statuses = Object.keys(r.report.statuses as object).join(",");
    rows.push({
      section: "5 memory",
      measure: `${kind.label} x ${requests} (status ${statuses}): peak RSS`,
      value: mb(peak),
      versus: `heap after GC: ${mb(first)} at 100, ${mb(last)} at ${requests} (${last - first >= 0 ? "+" : ""}${mb(last - first)})`,
      target: "< 256 MB, no growth",
      verdict: verdict(peak < LIMIT && last - first < 2 * 1024 * 1024),
    });
  }
  return rows;
}
