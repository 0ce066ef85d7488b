import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import { createGuard, HostNotFoundError, nonPublicRange } from "../../../lib/registry/guard.js";

describe("nonPublicRange", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.10.0.3", "loopback"],
    ["169.254.169.254", "linkLocal"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["224.0.0.1", "multicast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fd00:ec2::254", "uniqueLocal"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "linkLocal"],
    ["64:ff9b::a9fe:a9fe", "linkLocal"],
    ["not-an-ip", "invalid"],
    // Issue 14: IPv4-compatible IPv6 passed as public, and the other special-purpose blocks.
    ["::7f00:1", "ipv4Compatible"],
    ["::a9fe:a9fe", "ipv4Compatible"],
    ["::808:808", "ipv4Compatible"],
    ["::2", "ipv4Compatible"],
    ["::ffff:0:7f00:1", "rfc6145"],
    ["64:ff9b::7f00:1", "loopback"],
    ["64:ff9b::a00:1", "private"],
    ["64:ff9b:1::808:808", "nat64LocalUse"],
    ["64:ff9b:1:ffff::1", "nat64LocalUse"],
    ["2002:7f00:1::1", "6to4"],
    ["2002:808:808::1", "6to4"],
    ["2001::1", "teredo"],
    ["2001:1::1", "reserved"],
    ["2001:2::1", "benchmarking"],
    ["2001:10::1", "deprecatedOrchid"],
    ["2001:20::1", "orchid2"],
    ["2001:db8::1", "reserved"],
    ["3fff::1", "reserved"],
    ["100::1", "discard"],
    ["5f00::1", "segmentRouting"],
    ["ff02::1", "multicast"],
    ["ff0e::1", "multicast"],
    ["fc00::1", "uniqueLocal"],
    ["fec0::1", "deprecatedSiteLocal"],
    ["4000::1", "notGlobalUnicast"],
    ["1::1", "notGlobalUnicast"],
  ])("%s is %s", (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it.each([
    "8.8.8.8",
    "52.94.1.10",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
  ])("%s is public", (address) => {
    expect(nonPublicRange(address)).toBeUndefined();
  });
});

describe("createGuard", () => {
  const lookupOf = (table: Record<string, string[]>) => async (host: string) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return found;
  };

  const refused = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).status).toBe(422);
    return e as AppError;
  };

  it("refuses a name that resolves to the metadata address, saying why", async () => {
    const guard = createGuard({
      allowedHosts: [],
      lookup: lookupOf({ "evil.example": ["169.254.169.254"] }),
    });
    const e = await refused(guard.resolve(new URL("https://evil.example/v2/")));
    expect(e.message).toContain("evil.example");
    expect(e.message).toContain("non-public");
  });

  it("refuses when any one of several answers is private", async () => {
    const guard = createGuard({
      allowedHosts: [],
      lookup: lookupOf({ "mixed.example": ["8.8.8.8", "10.0.0.1"] }),
    });
    await refused(guard.resolve(new URL("https://mixed.example/v2/")));
  });

  it("refuses IP literals without asking DNS", async () => {
    let asked = 0;
    const guard = createGuard({
      allowedHosts: [],
      lookup: async () => {
        asked++;
        return ["8.8.8.8"];
      },
    });
    for (const u of [
      "http://127.0.0.1:5000/v2/",
      "https://10.0.0.1/",
      "https://169.254.169.254/",
      "https://[::1]/",
    ]) {
      await refused(guard.resolve(new URL(u)));
    }
    expect(asked).toBe(0);
  });

  it("returns the checked public address to connect to", async () => {
    const guard = createGuard({
      allowedHosts: [],
      lookup: lookupOf({ "reg.example": ["93.184.216.34", "2606:2800::1"] }),
    });
    await expect(guard.resolve(new URL("https://reg.example/v2/"))).resolves.toEqual({
      address: "93.184.216.34",
      family: 4,
    });
  });

  it("lets allow-listed hosts through, by name or by name and port", async () => {
    const guard = createGuard({
      allowedHosts: ["registry.internal", "127.0.0.1:5000"],
      lookup: lookupOf({ "registry.internal": ["10.1.2.3"] }),
    });
    await expect(guard.resolve(new URL("https://registry.internal/v2/"))).resolves.toEqual({
      address: "10.1.2.3",
      family: 4,
    });
    await expect(guard.resolve(new URL("http://127.0.0.1:5000/v2/"))).resolves.toMatchObject({
      address: "127.0.0.1",
    });
    // Another port on the same address is not on the list.
    await refused(guard.resolve(new URL("http://127.0.0.1:5001/v2/")));
  });

  it("reports a name that does not resolve", async () => {
    const guard = createGuard({ allowedHosts: [], lookup: lookupOf({}) });
    await expect(guard.resolve(new URL("https://nowhere.example/"))).rejects.toBeInstanceOf(
      HostNotFoundError,
    );
  });
});
