/**
 * The layering of lib/ (README, Architecture): a folder directly under lib/ (or a file directly in
 * it) is a room; a room imports only rooms of a lower layer, so no loop can form between them, and
 * a function file only wires: it imports lib/http, lib/api, lib/adapters, lib/use-cases, lib/obs.
 */
import { describe, expect, it } from "vitest";
import { importsOf, libGraph, roomOf, sourceFiles } from "../../scripts/layers.js";

/** From top to bottom. A room may import the rooms of the layers below its own, never above. */
const LAYERS: string[][] = [
  ["functions"],
  ["http", "use-cases"],
  ["adapters"],
  ["backends", "autosave", "quotas"],
  ["sessions"],
  ["auth"],
  ["k8s"],
  // The upstream clients.
  ["gitlab", "registry", "crc", "aws", "data-services"],
  ["api"],
  ["config"],
  ["obs"],
  ["util"],
  ["errors.ts", "raw-modules.d.ts"],
];

const FUNCTION_MAY_IMPORT = ["http", "api", "adapters", "use-cases", "obs"];

const layerOf = (room: string) => LAYERS.findIndex((layer) => layer.includes(room));

describe("lib/'s layers", () => {
  const graph = libGraph(true);

  it("have no loop between folders", () => {
    expect(graph.loops.map((loop) => `loop through ${loop.join(" ")}`)).toEqual([]);
  });

  it("name every folder of lib/ (a new folder gets its place in LAYERS)", () => {
    expect(graph.rooms.filter((room) => layerOf(room) < 0)).toEqual([]);
  });

  it("import only downwards", () => {
    const upwards = [...graph.arrows]
      .filter(([key]) => {
        const [from, to] = key.split(" -> ") as [string, string];
        return layerOf(from) >= 0 && layerOf(to) >= 0 && layerOf(from) >= layerOf(to);
      })
      .flatMap(([key, imports]) => imports.map((i) => `${key}: ${i}`));
    expect(upwards).toEqual([]);
  });

  it("leave function files to wiring: only http, api, adapters, use-cases and obs", () => {
    const outside = sourceFiles("functions").flatMap((file) =>
      importsOf(file)
        .filter((target) => !target.startsWith("functions/"))
        .filter((target) => !FUNCTION_MAY_IMPORT.includes(roomOf(target) ?? ""))
        .map((target) => `${file} -> ${target}`),
    );
    expect(outside).toEqual([]);
  });
});
