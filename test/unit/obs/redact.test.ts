/**
 * lib/redact.ts: every secret form is scrubbed; what the service owns (its session, pod and
 * StatefulSet names, digests, autosave branches it made) and names the caller keeps stay readable.
 */
import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../../lib/obs/redact.js";

const JWT =
  "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1oZXJl";
const AWS = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

describe("secret forms", () => {
  it.each([
    [
      "a password in a URL",
      "clone https://oauth2:pw-123@gitlab.example.org/a/b.git failed",
      "pw-123",
    ],
    ["a token as a URL's user", "fetch http://tok3n@host:8080/x", "tok3n"],
    ["token: x", "config token: s3cr3t and more", "s3cr3t"],
    ["--token=x", "exec git-proxy --token=s3cr3t --port 8080", "s3cr3t"],
    ["a JSON password", '{"password":"hunter2"}', "hunter2"],
    ["gitToken=x", "gitToken=abc.def", "abc.def"],
    ["an AWS secret key", `aws_secret_access_key = ${AWS}`, AWS],
    ["an AWS secret key alone", `key ${AWS} leaked`, AWS],
    ["a Cookie header's tail", "Cookie: a=1; _renku_session=MTcw%3D%3D|17|sig.x", "|17|sig.x"],
    ["the session cookie anywhere", "sent _renku_session=abc%2Fdef|tail;", "abc%2Fdef|tail"],
    ["a bearer token", "Authorization: Bearer abc.def", "abc.def"],
    ["a GitLab token", "token glpat-abcdefghij", "abcdefghij"],
    ["a JWT's claims and signature", `id ${JWT}`, "eyJzdWIiOiJhbGljZSIsImV4cCI6MTcwMDAwMDAwMH0"],
    [
      "an undici header value",
      'Headers.append: "a\\nb is an invalid" is an invalid header value.',
      "a\\nb",
    ],
  ])("scrubs %s", (_label, text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain("[redacted]");
  });

  it("keeps the rest of a URL readable", () => {
    expect(redactSecrets("https://u:p@gitlab.example.org/a/b.git")).toBe(
      "https://[redacted]@gitlab.example.org/a/b.git",
    );
  });
});

describe("what the service owns", () => {
  it.each([
    "create Pod anonevents012-hello-world-1a2b3c4d-0 in StatefulSet anonevents012-hello-world-1a2b3c4d successful",
    "Successfully assigned renku/frederika-2d-hello-world-0123456789abcdef-0 to node-1",
    "Pulling image registry.example.org/renku/x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "deleted renku/autosave/a-very-long-user-name-of-forty-characters/master/41e286a/8ae5118",
  ])("keeps %s", (text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it("keeps a name the caller passes, and only that", () => {
    const name = "Some_Name_Longer_Than_Thirty_Two_Characters";
    expect(redactSecrets(`object ${name}`, [name])).toBe(`object ${name}`);
    expect(redactSecrets(`object ${name}`)).toBe("object [redacted]");
  });
});
