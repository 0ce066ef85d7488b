/**
 * Concurrency: identical launches, racing stop and PATCH, and the ledger under many writers; once
 * for each backend.
 */
import { describe, expect, it } from "vitest";
import { configMapLedgerStore } from "../../../lib/adapters/ledger-store.js";
import { recordLaunch, withLedger } from "../../../lib/autosave/index.js";
import { backendStack } from "../../helpers/backend-stack.js";
import { type BackendKit, EACH_BACKEND } from "../../helpers/backends.js";
import { anonHeaders, registeredHeaders } from "../../helpers/users.js";
import { sessionState } from "./cluster-state.js";
import { call, endpoint } from "./endpoints.js";

const HELLO = {
  namespace: "renku-demo",
  project: "hello-world",
  commit_sha: "f1ea33570b1b86af316b85539c1b5d5c07949a82",
};

describe.each(EACH_BACKEND)("$name backend", (kit: BackendKit) => {
  const stack = backendStack(kit);

  describe("50 parallel identical POSTs", () => {
    it("make one session, and every caller gets that session", async () => {
      const headers = registeredHeaders({ username: "alice" });
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => call(endpoint("serversCreate"), { headers, body: HELLO })),
      );
      const statuses = answers.map((a) => a.status);
      expect(
        statuses.every((s) => s === 200 || s === 201),
        statuses.join(","),
      ).toBe(true);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      const names = new Set(answers.map((a) => a.json.name));
      expect(names.size).toBe(1);
      const state = await sessionState(stack.cluster);
      expect(state.sessions).toEqual([...names]);
    });
  });

  describe("parallel DELETE and PATCH on the same session", () => {
    it("end consistent: the session is gone, with nothing of it left", async () => {
      const headers = registeredHeaders({ username: "bob" });
      const created = await call(endpoint("serversCreate"), {
        headers,
        body: {
          ...HELLO,
          commit_sha: "4800fe13623630e5d59a42b4d28079714ace0edc",
          branch: "feature/plots",
        },
      });
      expect(created.status, created.text).toBe(201);
      const name: string = created.json.name;
      const params = { server_name: name };
      const ops = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? call(endpoint("serversDelete"), { headers, params })
          : call(endpoint("serversPatch"), {
              headers,
              params,
              body: { state: i % 4 === 1 ? "hibernated" : "running" },
            }),
      );
      const answers = await Promise.all(ops);
      for (const [i, a] of answers.entries()) {
        const allowed = i % 2 === 0 ? [204, 404] : [200, 404];
        expect(allowed, `${i}: ${a.status} ${a.text}`).toContain(a.status);
      }
      expect(answers.filter((a, i) => i % 2 === 0 && a.status === 204).length).toBeGreaterThan(0);
      const after = await call(endpoint("serversGet"), { headers, params });
      expect(after.status).toBe(404);
      const state = await sessionState(stack.cluster);
      expect(state.sessions).not.toContain(name);
      expect(state.statefulsets).not.toContain(name);
      expect(state.secrets.filter((s) => s.startsWith(name))).toEqual([]);
    });

    it("PATCHes alone race to one consistent state that GET reports", async () => {
      const headers = anonHeaders("anon-racer-1");
      const created = await call(endpoint("serversCreate"), { headers, body: HELLO });
      expect(created.status).toBe(201);
      // Anonymous callers cannot PATCH: every racer gets the same 422 and the session is untouched.
      const params = { server_name: created.json.name };
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          call(endpoint("serversPatch"), { headers, params, body: { state: "hibernated" } }),
        ),
      );
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([422]));
      const got = await call(endpoint("serversGet"), { headers, params });
      expect(got.json.status.state).not.toBe("hibernated");
    });
  });

  describe("the autosave ledger under 20 concurrent writers", () => {
    it("loses no entry", async () => {
      const store = configMapLedgerStore(stack.deps.k8s, "reliability-ledger");
      const at = new Date("2026-01-01T00:00:00Z");
      // A writer's conflict means another writer's write landed after its read, and each of the
      // other 19 lands once: 20 attempts suffice whatever the timing. The default 8 counts on
      // the jitter to spread the writers, which a machine with busy cores defeats.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          withLedger(
            store,
            (entries) => recordLaunch(entries, { projectId: 5000 + i, projectPath: `p/${i}`, at }),
            { attempts: 20 },
          ),
        ),
      );
      const { entries } = await store.read();
      expect(entries.map((e) => e.projectId).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => 5000 + i),
      );
    });
  });
});
