import { describe, expect, it } from "vitest";
import { logContainers } from "../../../lib/backends/jupyterserver/server-status.js";
import { isOwnedBy, ownerSelector, podName } from "../../../lib/backends/pod/ownership.js";
import type { AppError } from "../../../lib/errors.js";
import {
  commitImage,
  legacyQueryFor,
  missingResourcesError,
  resolveLaunchResources,
} from "../../../lib/sessions/launch-rules.js";
import { POOLS } from "../../helpers/pools.js";
import { anonymous, project, registered, testConfig } from "./fixtures.js";
import { storedServer } from "./js-fixture.js";

describe("commitImage (D6)", () => {
  it("is <registry>/<path lower-case>:<sha[:7]>", () => {
    expect(commitImage(testConfig(), project, "0123456789abcdef")).toBe(
      "registry.gitlab.com/group/my-project:0123456",
    );
  });
});

describe("missingResourcesError", () => {
  it("lists every failed check in the one 404 message", () => {
    const err = missingResourcesError({
      project: "group/my-project",
      branch: "dev",
      commit: "abc",
      image: "renku/none:1",
    }) as AppError;
    expect(err.status).toBe(404);
    expect(err.toJSON()).toEqual({
      error: {
        code: 1404,
        message:
          "Cannot start the session because the following Git or Docker resources are missing: project group/my-project does not exist, branch dev does not exist, commit abc does not exist, image renku/none:1 does not exist or cannot be accessed",
      },
    });
    expect(missingResourcesError({ image: "x" })?.message).toBe(
      "Cannot start the session because the following Git or Docker resources are missing: image x does not exist or cannot be accessed",
    );
    expect(missingResourcesError({})).toBeUndefined();
  });
});

describe("resolveLaunchResources (D16)", () => {
  const crc = testConfig({ NB_CRC_URL: "http://crc.local/api/data" });
  const pools = POOLS;

  it("static options when no resource-pool service is configured", () => {
    expect(resolveLaunchResources(testConfig(), { storageGb: 10 }, undefined)).toMatchObject({
      cpu: 0.5,
      storage: 1e10,
    });
  });

  it("by class id, with the class's default storage", () => {
    expect(resolveLaunchResources(crc, { resourceClassId: 2 }, pools)).toMatchObject({
      cpu: 1,
      memory: 2e9,
      storage: 2e9,
      resourceClassId: 2,
      defaultUrl: "/lab",
    });
  });

  it("legacy serverOptions by best match, unspecified quantities counting as zero", () => {
    const r = resolveLaunchResources(
      crc,
      { serverOptions: { mem_request: "2G" }, defaultUrl: "/rstudio" },
      pools,
    );
    expect(r).toMatchObject({ resourceClassId: 2, storage: 2e9, defaultUrl: "/rstudio" });
    expect(
      resolveLaunchResources(crc, { serverOptions: { cpu_request: "0.2" } }, pools).resourceClassId,
    ).toBe(1);
  });

  it("a legacy request sends its filter in whole GB; the top-level storage does not count", () => {
    const request = {
      serverOptions: { cpu_request: "0.2", mem_request: "2.5G", disk_request: "3.5G" },
      storageGb: 40,
    };
    expect(legacyQueryFor(crc, request)).toEqual({ cpu: 0.2, memory: 2, gpu: 0, max_storage: 4 });
    expect(legacyQueryFor(crc, { ...request, resourceClassId: 1 })).toBeUndefined();
    expect(legacyQueryFor(crc, { storageGb: 3 })).toBeUndefined();
    expect(legacyQueryFor(testConfig(), request)).toBeUndefined();
    // 40 GB would fit no class's default storage; the legacy schema's 1 GB does.
    expect(
      resolveLaunchResources(crc, { serverOptions: { cpu_request: 1 }, storageGb: 40 }, pools),
    ).toMatchObject({ resourceClassId: 2, storage: 2e9 });
  });

  it("otherwise the default class with the requested storage", () => {
    expect(resolveLaunchResources(crc, { storageGb: 3, lfsAutoFetch: true }, pools)).toMatchObject({
      resourceClassId: 1,
      storage: 3e9,
      lfsAutoFetch: true,
    });
  });
});

describe("ownership and lookups", () => {
  it("a session is the caller's iff the safe-username label matches", () => {
    const mine = storedServer(undefined);
    expect(isOwnedBy(mine, registered)).toBe(true);
    expect(isOwnedBy(mine, anonymous)).toBe(false);
    expect(ownerSelector(registered)).toBe("renku.io/safe-username=john-2edoe");
  });

  it("log containers are init then regular, as reported", () => {
    const js = storedServer({
      state: "running",
      containerStates: {
        init: { "git-clone": "ready" },
        regular: { "jupyter-server": "ready", "git-proxy": "ready" },
      },
    });
    expect(logContainers(js)).toEqual(["git-clone", "jupyter-server", "git-proxy"]);
    expect(logContainers(storedServer(undefined))).toEqual([]);
    expect(podName("abc")).toBe("abc-0");
  });
});
