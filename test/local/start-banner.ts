/** The block `npm start` prints once the service answers: where everything is and what to paste. */
import { DEFAULT_PORT, type InstanceInfo } from "./instance.js";
import type { Seed } from "./seed.js";

/** An anonymous browser behind the gateway: its id and the gateway's session cookie (D21). */
const ANON = "-H 'Renku-Auth-Anon-Id: anon-demo1' -H 'Cookie: _renku_session=gateway-anon-demo1'";
const JSON_BODY = "-H 'Content-Type: application/json'";

/** A project's default-branch head that has a seeded image, so a launch of it succeeds. */
function launchable(seed: Seed, visibility: "public" | "private", member?: string) {
  const tags = new Set(
    (seed.images ?? []).map((i) =>
      typeof i === "string"
        ? i
        : `${(i as { repository: string }).repository}:${(i as { tag: string }).tag}`,
    ),
  );
  for (const p of seed.projects) {
    if (p.visibility !== visibility) continue;
    if (member && !p.members.some((m) => m.username === member && m.access_level >= 30)) continue;
    const head = p.branches.find((b) => b.name === p.default_branch)?.commit;
    if (head && tags.has(`${p.path}:${head.slice(0, 7)}`)) {
      const slash = p.path.lastIndexOf("/");
      return { namespace: p.path.slice(0, slash), project: p.path.slice(slash + 1), commit: head };
    }
  }
  return undefined;
}

/** The first interactive launcher of a public project of the data-services double. */
function v2Launcher(seed: Seed): string | undefined {
  const ds = seed.data_services;
  const open = new Set(
    ds.projects
      .filter(
        (p) => p.visibility === "public" && !p.data_connectors.length && !p.session_secrets.length,
      )
      .map((p) => p.id),
  );
  return ds.launchers.find(
    (l) =>
      l.launcher_type === "interactive" && open.has(l.project_id) && l.resource_class_id === null,
  )?.id;
}

const body = (l: { namespace: string; project: string; commit: string }) =>
  `'${JSON.stringify({ namespace: l.namespace, project: l.project, commit_sha: l.commit })}'`;

export function banner(opts: {
  instance: InstanceInfo;
  seed: Seed;
  anonymousEnabled: boolean;
}): string {
  const { instance, seed } = opts;
  const base = instance.url;
  const as = `${instance.port === DEFAULT_PORT ? "" : `PORT=${instance.port} `}npm run -s as --`;
  const users = seed.users.filter((u) => !u.admin).map((u) => u.username);
  const first = users[0];
  const publicLaunch = launchable(seed, "public");
  const privateLaunch = first ? launchable(seed, "private", first) : undefined;
  const lines = [
    "",
    "================================================================================",
    `The notebooks service is ready on ${base}  (pid ${instance.pid}; Ctrl-C stops everything)`,
    `  API page        ${base}/notebooks/docs`,
    `  OpenAPI spec    ${base}/notebooks/spec.json`,
  ];
  if (instance.kubeconfig) {
    lines.push(
      `  local cluster   kubectl --kubeconfig ${instance.kubeconfig} get amaltheasessions,jupyterservers,pods -n renku`,
    );
  }
  if (instance.gitUrl) lines.push(`  GitLab          ${instance.gitUrl}/api/v4`);
  if (instance.registry) lines.push(`  registry        ${instance.registry}/v2/_catalog`);
  lines.push("", "Try it, anonymously:");
  lines.push(`    curl ${base}/notebooks/version`);
  if (opts.anonymousEnabled) {
    lines.push(`    curl ${ANON} ${base}/notebooks/server_options`);
    if (publicLaunch)
      lines.push(
        `    curl ${ANON} ${JSON_BODY} -d ${body(publicLaunch)} ${base}/notebooks/servers`,
      );
    lines.push(`    curl ${ANON} ${base}/notebooks/servers`);
  }
  if (first) {
    lines.push(
      "",
      `As a registered user (seeded: ${users.join(", ")}); \`${as} <user>\` prints that user's headers:`,
    );
    lines.push(`    ${as} ${first} curl ${base}/notebooks/servers`);
    if (publicLaunch) {
      const path = encodeURIComponent(`${publicLaunch.namespace}/${publicLaunch.project}`);
      lines.push(`    ${as} ${first} curl ${base}/notebooks/${path}/autosave`);
    }
    if (privateLaunch) {
      lines.push(
        `    ${as} ${first} curl ${JSON_BODY} -d ${body(privateLaunch)} ${base}/notebooks/servers`,
      );
    }
  }
  const launcher = v2Launcher(seed);
  if (first && launcher) {
    lines.push(
      "",
      "The v2 sessions API (today's Renku UI; docs/v2.md), with the same `as` helper:",
      `    ${as} ${first} curl ${base}/api/data/sessions`,
      `    ${as} ${first} curl ${JSON_BODY} -d '${JSON.stringify({ launcher_id: launcher })}' ${base}/api/data/sessions`,
    );
  }
  lines.push(
    "================================================================================",
    "",
  );
  return lines.join("\n");
}
