/**
 * The AmaltheaSession backend behind the session port (Amalthea >= 0.25). A session is the CR and
 * its pod `<name>-0`, read together: the status the API shows needs the pod's container detail.
 */
import type { V1Pod } from "@kubernetes/client-node/dist/gen/index.js";
import { RENKU_SESSION_COOKIE } from "../../auth/authenticate.js";
import type { Config } from "../../config/schema.js";
import { authenticationError, userInputError } from "../../errors.js";
import { escapePointer } from "../../k8s/kube-client.js";
import type { NamespaceClient } from "../../k8s/namespace-client.js";
import type { Logger } from "../../obs/log.js";
import type { ResolvedResources } from "../../sessions/types.js";
import { isLabelValue } from "../../util/labels.js";
import { ownEvents } from "../events.js";
import { createSession, launched, newLaunchId } from "../pod/create.js";
import {
  envTokenPatch,
  hibernationAnnotations,
  RESOURCE_CLASS_CHANGE_MESSAGE,
} from "../pod/hibernation.js";
import { ANONYMOUS_SELECTOR, containerResources, SAFE_USERNAME_LABEL } from "../pod/launch.js";
import { podName } from "../pod/ownership.js";
import { imagePullSecretName, withFreshRegistryToken } from "../pod/pull-secret.js";
import { labelIn, type RefusalTarget, refusalReaders } from "../pod/refusal.js";
import { isAnonymousSession, stepOfContainer } from "../pod/status.js";
import type { ResourceList } from "../pod/types.js";
import { referenceOf, sessionOwner, toSessionView } from "../pod/view.js";
import type { Session, SessionBackend } from "../port.js";
import { buildAmaltheaSession } from "./manifest.js";
import { serializeSession } from "./serialize.js";
import { amaltheaSessionGitStatus } from "./sidecar.js";
import { podNotNeeded, sessionState, stepName } from "./status.js";
import { autosaveNow, markStopping, STOP_REQUESTED_ANNOTATION } from "./stop.js";
import type { AmaltheaSession, AmsView } from "./types.js";

export const AMALTHEA_SESSION_KIND = "AmaltheaSession";

interface AmsSession extends Session, AmsView {
  readonly kind: typeof AMALTHEA_SESSION_KIND;
}

const wrap = (cr: AmaltheaSession, pod?: V1Pod): AmsSession => ({
  name: cr.metadata.name,
  kind: AMALTHEA_SESSION_KIND,
  cr,
  pod,
});
const view = (s: Session) => s as AmsSession;
/** A running session's answer read without its pod (every container ready, as Running says). */
const wrapWithoutPod = (cr: AmaltheaSession): AmsSession => ({ ...wrap(cr), podSkipped: true });

const isHibernated = (s: AmsSession) =>
  s.cr.spec.hibernated === true || s.cr.status?.state === "Hibernated";

/** Merge-patch values for a map: new keys set, keys no longer wanted removed (null). */
function replacing(current: ResourceList | undefined, next: ResourceList): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(current ?? {})) out[key] = null;
  for (const [key, value] of Object.entries(next))
    if (value !== undefined) out[key] = String(value);
  return out;
}

/** The authproxy's token is the gateway's cookie: without it no URL opens the session (D21). */
const assertCanLaunch: SessionBackend["assertCanLaunch"] = (user) => {
  if (user.kind !== "registered" && !user.sessionCookie)
    throw authenticationError(
      `You have to have a renku session cookie at ${RENKU_SESSION_COOKIE} in order to launch an anonymous session.`,
    );
};

export function amaltheaSessionBackend(
  repo: NamespaceClient<AmaltheaSession>,
  config: Config,
  log: Logger,
): SessionBackend {
  /**
   * A starting session without a pod (never reconciled into one, or refused): why, when the
   * cluster says so (two more calls, for such sessions only; for a list's, two in all).
   */
  const refusalTarget = (s: AmsSession): RefusalTarget | undefined => {
    const { cr, pod } = s;
    const state = cr.status?.state ?? "NotReady";
    if (pod || cr.metadata.deletionTimestamp || cr.spec.hibernated || state !== "NotReady")
      return undefined;
    return { name: s.name, resourceUid: cr.metadata.uid, reconciled: cr.status?.url !== undefined };
  };
  // Amalthea's selector labels, on every StatefulSet it makes (0.25-0.31, selectorLabels).
  const refusals = refusalReaders(
    repo,
    refusalTarget,
    (names) =>
      `app.kubernetes.io/name=AmaltheaSession,${labelIn("app.kubernetes.io/instance", names)}`,
  );

  /** The CR again with its pod: a write answers the CR alone. */
  const withPod = async (cr: AmaltheaSession | undefined) =>
    cr ? wrap(cr, await repo.getPod(podName(cr.metadata.name))) : undefined;

  /** The pods carry the session's labels (spec.template.metadata): one list for all of them. */
  const listWithPods = async (selector: string) => {
    const [crs, pods] = await Promise.all([repo.list(selector), repo.listPods(selector)]);
    const byName = new Map(pods.map((p) => [p.metadata?.name ?? "", p]));
    return crs.map((cr) => wrap(cr, byName.get(podName(cr.metadata.name))));
  };

  /**
   * A polling list, from the watch cache: the sessions first, and their pods only when some
   * session's answer needs its pod (one neither running nor hibernated; see podNotNeeded).
   */
  const listCached = async (selector: string) => {
    const crs = await repo.list(selector, { cached: true });
    if (crs.every(podNotNeeded)) return crs.map((cr) => wrapWithoutPod(cr));
    const pods = await repo.listPods(selector, { cached: true });
    const byName = new Map(pods.map((p) => [p.metadata?.name ?? "", p]));
    return crs.map((cr) => wrap(cr, byName.get(podName(cr.metadata.name))));
  };

  return {
    async get(name) {
      const [cr, pod] = await Promise.all([repo.get(name), repo.getPod(podName(name))]);
      return cr ? wrap(cr, pod) : undefined;
    },
    async getResource(name) {
      const cr = await repo.get(name);
      return cr ? wrapWithoutPod(cr) : undefined;
    },

    async listForUser(safeUsername, opts) {
      if (!isLabelValue(safeUsername)) return [];
      const selector = `${SAFE_USERNAME_LABEL}=${safeUsername}`;
      return opts?.cached ? listCached(selector) : listWithPods(selector);
    },
    listAnonymous: () => listWithPods(ANONYMOUS_SELECTOR),

    withRefusal: (s) => refusals.one(view(s)),
    withRefusals: (sessions) => refusals.many(sessions.map(view)),
    reference: (s) => referenceOf(view(s).cr),
    owner: (s) => sessionOwner(view(s).cr),
    view: (s) => toSessionView(view(s).cr),
    serialize: (s, now) => serializeSession(view(s), config, now),

    assertCanLaunch,

    async create(input, log: Logger) {
      assertCanLaunch(input.user);
      const launchId = newLaunchId();
      const { session, secrets } = buildAmaltheaSession(input, launchId);
      const dropSecrets = () =>
        Promise.all(secrets.map((s) => repo.deleteSecret(s.metadata.name).catch(() => false)));
      let created: Awaited<ReturnType<typeof createSession<AmaltheaSession>>>;
      try {
        // The operator adopts them, and deletes them with the session.
        const made = await Promise.all(secrets.map((s) => repo.createSecret(s)));
        const existing = secrets.filter((_, i) => !made[i]);
        // Left by a launch that failed, unless a concurrent identical launch made them (its
        // session is then the answer): refresh the leftovers, never a live session's.
        if (existing.length > 0 && !(await repo.get(input.name)))
          await Promise.all(existing.map((s) => repo.overwriteSecret(s)));
        created = await createSession(repo, session, launchId, input.user, log);
      } catch (err) {
        // No session adopted them: they would be left behind.
        if (!(await repo.get(input.name).catch(() => undefined))) await dropSecrets();
        throw err;
      }
      return launched(repo, created, { name: input.name, launchId }, wrap, log);
    },

    async markStopping(s, action, now) {
      const marked = await markStopping(repo, view(s).cr, action, now);
      // The pod is unchanged: it goes with the marked CR into the answer.
      return marked && wrap(marked, view(s).pod);
    },
    autosaveNow: (s, deadlineMs) => autosaveNow(repo, view(s).cr, deadlineMs),
    delete: (name, opts) => repo.delete(name, opts),
    isHibernated: (s) => isHibernated(view(s)),

    assertResourceClassChangeAllowed(s) {
      const v = view(s);
      if (isHibernated(v) || sessionState(v) === "failed") return;
      throw userInputError(RESOURCE_CLASS_CHANGE_MESSAGE);
    },

    async changeResourceClass(s, resources: ResolvedResources) {
      const { cr } = view(s);
      const next = containerResources(config, resources);
      const current = cr.spec.session.resources;
      const quota = resources.priorityClass ?? null;
      const classId = resources.resourceClassId === null ? "" : String(resources.resourceClassId);
      // Under whenFailedOrHibernated the operator applies it now (failed) or at the resume.
      const patched = await repo.patchMerge(s.name, {
        metadata: {
          annotations: { "renku.io/resourceClassId": classId },
          labels: { "renku.io/quota": quota },
        },
        spec: {
          priorityClassName: quota,
          session: {
            resources: {
              requests: replacing(current?.requests, next.requests),
              limits: replacing(current?.limits, next.limits),
            },
          },
          template: { metadata: { labels: { "renku.io/quota": quota } } },
        },
      });
      return withPod(patched);
    },

    async hibernate(s, now) {
      // The git sidecar's state, when it answers; empty git information otherwise.
      const git = await amaltheaSessionGitStatus(repo, log, view(s).cr);
      return withPod(
        await repo.patchMerge(s.name, {
          // A handed-off hibernation (D24) ends here: the session no longer shows as stopping.
          metadata: {
            annotations: { ...hibernationAnnotations(git, now), [STOP_REQUESTED_ANNOTATION]: null },
          },
          spec: { hibernated: true },
        }),
      );
    },

    async resume(s, user) {
      const { cr } = view(s);
      const secretName = imagePullSecretName(s.name);
      const secret = cr.spec.imagePullSecrets?.some((p) => p.name === secretName)
        ? await repo.getSecret(secretName)
        : undefined;
      if (secret) {
        await repo.replaceSecret(
          secretName,
          withFreshRegistryToken(secret, config.git.registry, user),
        );
      }
      // One patch: fresh tokens in the containers' env (each guarded by a test of its name),
      // the resume, and the hibernation record cleared as the JupyterServer operator does.
      const tokens = envTokenPatch(
        [
          ["/spec/initContainers", cr.spec.initContainers],
          ["/spec/extraContainers", cr.spec.extraContainers],
        ],
        user,
      );
      const annotations = Object.keys(cr.metadata.annotations ?? {}).filter((k) =>
        k.startsWith("renku.io/hibernation"),
      );
      const patched = await repo.patchJson(s.name, [
        ...tokens,
        { op: "replace", path: "/spec/hibernated", value: false },
        ...annotations.map((k) => ({
          op: "remove" as const,
          path: `/metadata/annotations/${escapePointer(k)}`,
        })),
      ]);
      return withPod(patched);
    },

    logTargets(s) {
      const { pod } = view(s);
      const names = (list: { name: string }[] | undefined) => (list ?? []).map((c) => c.name);
      return {
        pod: podName(s.name),
        containers: [...names(pod?.spec?.initContainers), ...names(pod?.spec?.containers)],
      };
    },
    readLogs: (pod, container, opts) => repo.readLogs(pod, container, opts),
    events: (s) =>
      ownEvents(
        view(s).cr,
        podName(s.name),
        repo,
        // Its containers, named as the JupyterServer's steps know them.
        (container) => {
          const step = stepName(container, !isAnonymousSession(view(s).cr));
          return step ? stepOfContainer(step) : undefined;
        },
      ),
  };
}
