/**
 * Each failure the simulated Amalthea can script, as the caller sees it through GET: state
 * `failed` and the reference's message (section 5.2), and what the logs and PATCH then allow.
 * Once for each backend: an AmaltheaSession fails with the same state and message.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { registeredHeaders } from "../../helpers/users.js";
import { sessionsApi } from "./api.js";
import { launch } from "./launch.js";

const DOCKERFILE = "Please make sure your Dockerfile is correct and up-to-date.";
const CLONE = "Cannot clone repository: ";

const CASES: [fault: string, message: string][] = [
  [
    "missing-command",
    `The image does not contain the required command to start the server. ${DOCKERFILE}`,
  ],
  [
    "unschedulable",
    "Your session cannot be scheduled due to insufficent resources. The most likely reason is: 'Insufficient cpu'. You may wait for resources to free up or you can adjust the specific resource and restart your session.",
  ],
  ["quota", "The resource quota has been exceeded."],
  ["clone-201", `${CLONE}Git remote server is unavailable. Try again later.`],
  ["clone-202", `${CLONE}Autosave branch name is in an unexpected format and cannot be processed.`],
  [
    "clone-203",
    `${CLONE}No disk space left on device, please stop this session and start a new one with more storage.`,
  ],
  ["clone-204", `${CLONE}Requested branch doesn't exist on remote.`],
  ["clone-205", `${CLONE}Error fetching submodules.`],
  [
    "crashloop",
    "The server shut down unexpectedly. Please ensure that your Dockerfile is correct and up-to-date.",
  ],
];

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const carol = registeredHeaders({ username: "carol" });
  const api = sessionsApi(carol);
  const stack = backendStack(kit, { timing: "instant" });
  const names = new Map<string, string>();

  beforeAll(async () => {
    // One session per fault, told apart by branch (the name hashes it).
    for (const [fault] of CASES) {
      const js = await launch(stack, { headers: carol, branch: `fault-${fault}`, fault });
      names.set(fault, js.metadata.name);
    }
  });

  describe("failed sessions", () => {
    it.each(CASES)("%s: state failed with the reference message", async (fault, message) => {
      const r = await api.get(names.get(fault) as string);
      expect(r.status).toBe(200);
      expect(r.json.status.state).toBe("failed");
      expect(r.json.status.message).toBe(message);
    });

    it("marks the failed step: git-clone for a clone fault, the session for a crash", async () => {
      const step = (json: { status: { details: { step: string; status: string }[] } }, s: string) =>
        json.status.details.find((d) => d.step === s)?.status;
      const clone = await api.get(names.get("clone-204") as string);
      expect(step(clone.json, "Cloning and configuring the repository")).toBe("failed");
      expect(step(clone.json, "Starting session")).toBe("waiting");
      const crash = await api.get(names.get("missing-command") as string);
      expect(step(crash.json, "Starting session")).toBe("failed");
      expect(step(crash.json, "Cloning and configuring the repository")).toBe("ready");
    });

    it("lists every failed session of the caller", async () => {
      const r = await api.list();
      expect(Object.keys(r.json.servers).sort()).toEqual([...names.values()].sort());
    });

    it("logs skip the containers that never started", async () => {
      const r = await api.logs(names.get("clone-201") as string);
      expect(r.status).toBe(200);
      expect(Object.keys(r.json)).toContain("git-clone");
      expect(Object.keys(r.json)).not.toContain(kit.sessionContainer);
      const crash = await api.logs(names.get("missing-command") as string);
      expect(crash.json[kit.sessionContainer]).toContain("jupyter: command not found");
    });

    it("a quota failure has no pod and so no logs", async () => {
      const r = await api.logs(names.get("quota") as string);
      expect(r.status).toBe(200);
      expect(r.json).toEqual({});
    });

    it("a failed session may change its resource class; without a resource-pool service no class exists", async () => {
      const r = await api.patch(names.get("crashloop") as string, { resource_class_id: 3 });
      expect(r.status).toBe(422);
      expect(r.json.error).toEqual({
        code: 1005,
        message: "The resource class ID 3 does not exist.",
      });
    });

    it("stops a failed session", async () => {
      const name = names.get("unschedulable") as string;
      expect((await api.stop(name, { forced: "true" })).status).toBe(204);
      const after = await api.get(name);
      expect(after.status).toBe(404);
    });
  });
});
