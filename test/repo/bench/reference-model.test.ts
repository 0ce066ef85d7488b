/** The bench's model of the reference makes the calls of notebooks-api.md 4.1, in its order. */
import { describe, expect, it } from "vitest";
import {
  type ModelCall,
  REFERENCE_POST,
  REFERENCE_WARM,
  runModel,
} from "../../bench/reference-model.js";

const performed = async (calls: readonly ModelCall[]) => {
  const seen: string[] = [];
  let inFlight = 0;
  await runModel(calls, async (call) => {
    inFlight++;
    expect(inFlight).toBe(1); // never two at once
    await new Promise((r) => setTimeout(r, 1));
    seen.push(`${call.upstream}: ${call.call}`);
    inFlight--;
  });
  return seen;
};

describe("the reference model", () => {
  it("POST: the lookup, GitLab project, branch and commit, then the registry's token and manifest, then the create, one at a time", async () => {
    const seen = await performed(REFERENCE_POST);
    expect(seen.map((s) => s.split(":")[0])).toEqual([
      "k8s",
      "gitlab",
      "gitlab",
      "gitlab",
      "registry",
      "registry",
      "k8s",
    ]);
    expect(seen.filter((s) => s.startsWith("gitlab"))).toEqual([
      "gitlab: get the project",
      "gitlab: get the branch",
      "gitlab: get the commit",
    ]);
    expect(seen.at(-1)).toBe("k8s: create the JupyterServer");
    // Five delayed calls: at 50 ms each, 250 ms of waiting before the create.
    expect(REFERENCE_POST.filter((c) => c.upstream !== "k8s")).toHaveLength(5);
  });

  it("the warm endpoints: one list, one get, the image's token and manifest, nothing for server_options", async () => {
    expect(await performed(REFERENCE_WARM["GET /servers"] ?? [])).toHaveLength(1);
    expect(await performed(REFERENCE_WARM["GET /servers/{name}"] ?? [])).toHaveLength(1);
    expect(await performed(REFERENCE_WARM["GET /images"] ?? [])).toEqual([
      "registry: token: the anonymous manifest probe and its challenge",
      "registry: get the manifest",
    ]);
    expect(REFERENCE_WARM["GET /server_options"]).toEqual([]);
  });
});
