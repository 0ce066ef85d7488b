import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeName } from "../../../lib/auth/escape.js";
import { serverName } from "../../../lib/sessions/server-name.js";
import { formatGigabytes, parseBytes, parseCpu } from "../../../lib/util/quantities.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe("properties", () => {
  it("server names are DNS labels of at most 42 characters for any user and project", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.string(),
        fc.stringMatching(/^[0-9a-f]{40}$/),
        (username, projectName, branch, sha) => {
          const name = serverName(
            escapeName(username),
            "ns",
            projectName.toLowerCase(),
            branch,
            sha,
          );
          expect(name.length).toBeLessThanOrEqual(42);
          expect(name).toMatch(DNS_LABEL);
        },
      ),
    );
  });

  it("whole-gigabyte byte sizes render back to what they were written as", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (gb) => {
        expect(formatGigabytes(parseBytes(`${gb}G`))).toBe(`${gb}G`);
      }),
    );
  });

  it("millicores and cores agree", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (m) => {
        expect(parseCpu(`${m}m`)).toBeCloseTo(parseCpu(String(m / 1000)), 9);
      }),
    );
  });
});
