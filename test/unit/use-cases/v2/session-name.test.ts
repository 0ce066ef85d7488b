/** The v2 session name, checked against the names renku-data-services' own code gives (26 inputs). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sessionName } from "../../../../lib/use-cases/v2/session-name.js";

interface Case {
  id: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  anonymous?: boolean;
  project_id: string;
  launcher_id: string;
  cluster_id?: string;
  submission_id?: string;
  expected: string;
}

const fixture = JSON.parse(
  readFileSync(new URL("./session-names.json", import.meta.url), "utf8"),
) as { cases: Case[] };

describe("sessionName", () => {
  it("has at least 20 cases from data-services", () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(fixture.cases)("$expected", (c) => {
    const user = {
      id: c.id,
      email: c.email,
      firstName: c.first_name,
      lastName: c.last_name,
    };
    expect(sessionName(user, c.project_id, c.launcher_id, c.cluster_id, c.submission_id)).toBe(
      c.expected,
    );
  });

  it("is a DNS-1035 label of at most 25 characters", () => {
    for (const c of fixture.cases.filter((x) => !x.submission_id))
      expect(c.expected).toMatch(/^[a-z][-a-z0-9]{0,23}[a-z0-9]$/);
  });
});
