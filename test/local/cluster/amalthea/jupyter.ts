/**
 * What the session image's `jupyter notebook` listens on, from its arguments and config files.
 * Seed images say which Jupyter they carry (docs/seed.md): the classic Notebook 6 reads only
 * `NotebookApp` options, Jupyter Server 2 only `ServerApp` ones. Unconfigured, Jupyter listens on
 * localhost:8888 at "/" with a random token, which no proxy in front of it can reach.
 */
import { loadSeed } from "../../seed.js";
import type { ContainerSpec } from "./pod-model.js";

export type JupyterFlavour = "notebook6" | "server2";

let flavours: Map<string, JupyterFlavour> | undefined;

/** "host:5000/group/project:tag" -> the seed's flavour for "group/project:tag"; server2 if unset. */
export function flavourOf(image: string): JupyterFlavour {
  if (!flavours) {
    flavours = new Map();
    for (const entry of loadSeed().images) {
      if (typeof entry !== "object" || entry === null) continue;
      const { repository, tag, jupyter } = entry as Record<string, unknown>;
      if (jupyter === "notebook6" || jupyter === "server2")
        flavours.set(`${String(repository)}:${String(tag)}`, jupyter);
    }
  }
  const first = image.split("/")[0] ?? "";
  const path = /[.:]/.test(first) || first === "localhost" ? image.slice(first.length + 1) : image;
  return flavours.get(path) ?? "server2";
}

const APP: Record<JupyterFlavour, { app: string; config: string; banner: string }> = {
  notebook6: {
    app: "NotebookApp",
    config: "jupyter_notebook_config.py",
    banner: "[I NotebookApp] The Jupyter Notebook is running at:",
  },
  server2: {
    app: "ServerApp",
    config: "jupyter_server_config.py",
    banner: "[I ServerApp] Jupyter Server is running at:",
  },
};

/**
 * What Jupyter prints once it listens, and whether the proxy can reach it there: on 0.0.0.0:8888,
 * at `baseUrl` (when the session has one to check), and without a token of its own.
 */
export function jupyterListening(
  spec: ContainerSpec,
  baseUrl: string | undefined,
): { reachable: boolean; log: string } {
  const flavour = flavourOf(spec.image);
  const { app, config, banner } = APP[flavour];
  // Amalthea 0.24 mounts both config files, written for the session.
  if ((spec.volumeMounts ?? []).some((m) => m.mountPath.endsWith(`/${config}`)))
    return { reachable: true, log: `${banner} http://127.0.0.1:8888/` };
  // Not started as `jupyter ...`: the image's own server, on whatever it was built to listen.
  if (![...(spec.command ?? []), ...(spec.args ?? [])].some((a) => /(^|\/)jupyter$/.test(a)))
    return { reachable: true, log: `${banner} http://127.0.0.1:8888/` };
  const opts = new Map<string, string>();
  for (const a of spec.args ?? []) {
    const m = /^--([A-Za-z]+\.[A-Za-z_]+)=(.*)$/.exec(a);
    if (m?.[1]) opts.set(m[1], m[2] ?? "");
  }
  const ip = opts.get(`${app}.ip`) ?? "localhost";
  const port = opts.get(`${app}.port`) ?? "8888";
  const base = opts.get(`${app}.base_url`) ?? "/";
  const token = opts.get(`${app}.token`);
  const trim = (p: string) => p.replace(/\/+$/, "");
  const reachable =
    ip === "0.0.0.0" &&
    port === "8888" &&
    token === "" &&
    (baseUrl === undefined || trim(base) === trim(baseUrl));
  if (reachable) return { reachable, log: `${banner} http://127.0.0.1:8888/` };
  const shown = `http://${ip === "0.0.0.0" ? "127.0.0.1" : ip}:${port}${base.endsWith("/") ? base : `${base}/`}`;
  return {
    reachable,
    log: `${banner} ${shown}${token === "" ? "" : "?token=3b1f0c5e9a7d4e2f8c6b"}`,
  };
}
