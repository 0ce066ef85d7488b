/** The JupyterServer backend behind the session port (Amalthea <= 0.24). */
import type { Config } from "../../config/schema.js";
import type { NamespaceClient } from "../../k8s/namespace-client.js";
import type { Logger } from "../../obs/log.js";
import { ownEvents } from "../events.js";
import { askAutosave } from "../pod/autosave-rpc.js";
import { createSession, launched, newLaunchId, withLaunchId } from "../pod/create.js";
import { ANONYMOUS_SELECTOR } from "../pod/launch.js";
import { podName } from "../pod/ownership.js";
import { labelIn, type RefusalTarget, refusalReaders } from "../pod/refusal.js";
import { type StatusWarning, stepOfContainer } from "../pod/status.js";
import { referenceOf, sessionOwner, toSessionView } from "../pod/view.js";
import type { Session, SessionBackend } from "../port.js";
import {
  assertResourceClassChangeAllowed,
  hibernateMergePatch,
  isHibernated,
  resourceClassPatch,
  resumeMergePatch,
  statefulSetPriorityPatch,
} from "./changes.js";
import { buildManifest } from "./manifest.js";
import { reinjectTokens } from "./resume.js";
import { serializeServer } from "./serialize.js";
import { logContainers, serverState } from "./server-status.js";
import { hasGitSidecar, sidecarGitStatus, sidecarRpcTarget } from "./sidecar.js";
import type { JupyterServer } from "./types.js";

export const JUPYTER_SERVER_KIND = "JupyterServer";

interface JsSession extends Session {
  readonly kind: typeof JUPYTER_SERVER_KIND;
  readonly cr: JupyterServer;
  /** Why a starting session without a pod will get none (lib/backends/pod/refusal.ts). */
  readonly refusal?: StatusWarning | undefined;
}

const wrap = (cr: JupyterServer): JsSession => ({
  name: cr.metadata.name,
  kind: JUPYTER_SERVER_KIND,
  cr,
});
const wrapped = (cr: JupyterServer | undefined) => (cr ? wrap(cr) : undefined);
const cr = (s: Session) => (s as JsSession).cr;

export function jupyterServerBackend(
  repo: NamespaceClient<JupyterServer>,
  config: Config,
  log: Logger,
): SessionBackend {
  /** A starting session the operator found no pod for: kopf's or the StatefulSet's refusal. */
  const refusalTarget = (js: JupyterServer): RefusalTarget | undefined => {
    const starting = serverState(js) === "starting" && !js.spec?.jupyterServer?.hibernated;
    if (!starting || js.status?.mainPod?.name) return undefined;
    return { name: js.metadata.name, resourceUid: js.metadata.uid, reconciled: false };
  };
  // Amalthea 0.24 labels every child with its parent's name (get_labels: <group>/parent-name).
  const refusals = refusalReaders<JsSession>(
    repo,
    (s) => refusalTarget(s.cr),
    (names) => labelIn(`${config.amalthea.group}/parent-name`, names),
  );

  return {
    get: async (name) => wrapped(await repo.get(name)),
    getResource: async (name) => wrapped(await repo.get(name)),
    listForUser: async (safeUsername, opts) =>
      (await repo.listForUser(safeUsername, opts)).map(wrap),
    listAnonymous: async () => (await repo.list(ANONYMOUS_SELECTOR)).map(wrap),
    withRefusal: (s) => refusals.one(s as JsSession),
    withRefusals: (sessions) => refusals.many(sessions as JsSession[]),
    reference: (s) => referenceOf(cr(s)),
    owner: (s) => sessionOwner(cr(s)),
    view: (s) => toSessionView(cr(s)),
    serialize: (s, now) => serializeServer(cr(s), config, now, (s as JsSession).refusal),

    async create(input, launchLog: Logger) {
      const launchId = newLaunchId();
      const manifest = withLaunchId(buildManifest(input), launchId);
      const created = await createSession(repo, manifest, launchId, input.user, launchLog);
      return launched(repo, created, { name: input.name, launchId }, wrap, log);
    },

    // Its pod has NB_SESSIONS__TERMINATION_GRACE_PERIOD_SECONDS (a patch): the preStop autosave fits.
    markStopping: async () => undefined,
    autosaveNow: (s, deadlineMs) => {
      const target = sidecarRpcTarget(s.name);
      return askAutosave(
        (body, ms) => repo.postServiceProxy(target.service, target.port, target.path, body, ms),
        deadlineMs,
      );
    },
    delete: (name, opts) => repo.delete(name, opts),
    isHibernated: (s) => isHibernated(cr(s)),
    // Every caller can open a JupyterServer (its URL carries the token).
    assertCanLaunch: () => {},
    assertResourceClassChangeAllowed: (s) => assertResourceClassChangeAllowed(cr(s)),

    async changeResourceClass(s, resources) {
      const patched = await repo.patchJson(s.name, resourceClassPatch(cr(s), config, resources));
      if (!patched) return undefined;
      // The operator does not reconcile the priority class into the StatefulSet; 404 is ignored.
      const sts = await repo.getStatefulSet(s.name);
      const ops = statefulSetPriorityPatch(
        resources.priorityClass,
        sts?.spec?.template?.spec?.priorityClassName,
      );
      if (sts && ops.length > 0) await repo.patchStatefulSetJson(s.name, ops);
      return wrap(patched);
    },

    async hibernate(s, now) {
      // The git sidecar's state, when it answers; empty git information otherwise.
      const git = hasGitSidecar(cr(s)) ? await sidecarGitStatus(repo, log, s.name) : undefined;
      return wrapped(await repo.patchMerge(s.name, hibernateMergePatch(git, now)));
    },

    async resume(s, user) {
      // Fresh tokens first, so the pod the resume creates starts with them.
      await reinjectTokens(repo, config, user, s.name);
      return wrapped(await repo.patchMerge(s.name, resumeMergePatch()));
    },

    logTargets: (s) => ({
      pod: cr(s).status?.mainPod?.name ?? podName(s.name),
      containers: logContainers(cr(s)),
    }),
    readLogs: (pod, container, opts) => repo.readLogs(pod, container, opts),
    events: (s) =>
      ownEvents(cr(s), cr(s).status?.mainPod?.name ?? podName(s.name), repo, stepOfContainer),
  };
}
