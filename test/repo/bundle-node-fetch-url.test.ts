/**
 * node-fetch as the functions' bundles carry it: its URLs parsed by WHATWG URL instead of the
 * legacy url.parse (build/esbuild-plugins.cjs). What reaches the server, and what node-fetch
 * reports, stay as they were.
 */
import { describe, expect, it } from "vitest";
import { runBundled } from "../helpers/bundled.js";

describe("the bundled node-fetch", () => {
  it("sends the path, query, port and credentials of an absolute URL, and refuses a relative one", async () => {
    const out = JSON.parse(
      await runBundled(`
        import { createServer } from "node:http";
        import fetch, { Request } from "node-fetch";
        const seen = [];
        const server = createServer((req, res) => {
          seen.push({ url: req.url, host: req.headers.host, authorization: req.headers.authorization ?? null });
          res.end("ok");
        });
        server.listen(0, "127.0.0.1", async () => {
          const port = server.address().port;
          const base = "http://127.0.0.1:" + port;
          const a = await fetch(base + "/api/v1/namespaces/renku/pods?labelSelector=a%3Db&watch=false");
          const b = await fetch("http://us%40er:p%3Ass@127.0.0.1:" + port + "/x y/%C3%A9#frag");
          const url = new Request(base + "/a/../b?q=1").url;
          let relative = null;
          try { await fetch("/relative"); } catch (e) { relative = e.message; }
          server.close();
          console.log(JSON.stringify({ seen, texts: [await a.text(), await b.text()], url, relative, port }));
        });
      `),
    ) as {
      seen: Array<{ url: string; host: string; authorization: string | null }>;
      texts: string[];
      url: string;
      relative: string;
      port: number;
    };
    const host = `127.0.0.1:${out.port}`;
    expect(out.seen).toEqual([
      {
        url: "/api/v1/namespaces/renku/pods?labelSelector=a%3Db&watch=false",
        host,
        authorization: null,
      },
      {
        url: "/x%20y/%C3%A9",
        host,
        authorization: `Basic ${Buffer.from("us@er:p:ss").toString("base64")}`,
      },
    ]);
    expect(out.texts).toEqual(["ok", "ok"]);
    expect(out.url).toBe(`http://${host}/b?q=1`);
    expect(out.relative).toBe("Only absolute URLs are supported");
  });
});
