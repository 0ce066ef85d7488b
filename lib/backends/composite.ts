/**
 * The migration mode (NB_AMALTHEA__BACKEND=both): sessions are read from both kinds, new ones are
 * made in the primary kind, and every other operation goes to the backend that holds the session.
 * A name held by both kinds (never made by this service, whose names are unique) shows the
 * primary's session, so the list stays keyed by unique names.
 */
import type { Session, SessionBackend } from "./port.js";

export function bothBackends(primary: SessionBackend, legacy: SessionBackend): SessionBackend {
  const owners = new Map<string, SessionBackend>();
  // Each backend tags its sessions with its own kind; learn which is which from what they return.
  const remember = (backend: SessionBackend, s: Session) => {
    owners.set(s.kind, backend);
    return s;
  };
  const of = (s: Session): SessionBackend => {
    const owner = owners.get(s.kind);
    if (!owner) throw new Error(`no backend holds sessions of kind ${s.kind}`);
    return owner;
  };

  /** Both kinds' sessions, the primary's first; a name held by both shows the primary's. */
  const both = async (list: (b: SessionBackend) => Promise<Session[]>) => {
    const [a, b] = await Promise.all([list(primary), list(legacy)]);
    const names = new Set(a.map((s) => s.name));
    return [
      ...a.map((s) => remember(primary, s)),
      ...b.filter((s) => !names.has(s.name)).map((s) => remember(legacy, s)),
    ];
  };

  /** One session by name from both kinds at once, the primary's when both hold it. */
  const either = async (read: (b: SessionBackend) => Promise<Session | undefined>) => {
    const [a, b] = await Promise.all([read(primary), read(legacy)]);
    if (a) return remember(primary, a);
    return b ? remember(legacy, b) : undefined;
  };

  return {
    get: (name) => either((b) => b.get(name)),
    getResource: (name) => either((b) => b.getResource(name)),
    listForUser: (safeUsername, opts) => both((b) => b.listForUser(safeUsername, opts)),
    listAnonymous: () => both((b) => b.listAnonymous()),
    withRefusal: async (s) => {
      const owner = of(s);
      return remember(owner, await owner.withRefusal(s));
    },
    // Each kind's sessions to their backend at once (two calls each at most), in the order given.
    withRefusals: async (sessions) => {
      const read = (backend: SessionBackend) => {
        const mine = sessions.filter((s) => of(s) === backend);
        return mine.length === 0 ? [] : backend.withRefusals(mine);
      };
      const answers = await Promise.all([read(primary), read(legacy)]);
      const done = new Map(answers.flat().map((s) => [s.name, s]));
      return sessions.map((s) => done.get(s.name) ?? s);
    },
    reference: (s) => of(s).reference(s),
    owner: (s) => of(s).owner(s),
    view: (s) => of(s).view(s),
    serialize: (s, now) => of(s).serialize(s, now),
    assertCanLaunch: (user) => primary.assertCanLaunch(user),
    async create(input, log) {
      const created = await primary.create(input, log);
      remember(primary, created.session);
      return created;
    },
    // Whichever kind holds it, the primary first (as get() resolves a name).
    delete: async (name, opts) =>
      (await primary.delete(name, opts)) || (await legacy.delete(name, opts)),
    markStopping: async (s, action, now) => {
      const owner = of(s);
      const out = await owner.markStopping(s, action, now);
      return out && remember(owner, out);
    },
    autosaveNow: (s, deadlineMs) => of(s).autosaveNow(s, deadlineMs),
    isHibernated: (s) => of(s).isHibernated(s),
    assertResourceClassChangeAllowed: (s) => of(s).assertResourceClassChangeAllowed(s),
    changeResourceClass: async (s, resources) => {
      const owner = of(s);
      const out = await owner.changeResourceClass(s, resources);
      return out && remember(owner, out);
    },
    hibernate: async (s, now) => {
      const owner = of(s);
      const out = await owner.hibernate(s, now);
      return out && remember(owner, out);
    },
    resume: async (s, user) => {
      const owner = of(s);
      const out = await owner.resume(s, user);
      return out && remember(owner, out);
    },
    logTargets: (s) => of(s).logTargets(s),
    // Pods are pods: either backend reads them the same way.
    readLogs: (pod, container, opts) => primary.readLogs(pod, container, opts),
    events: (s) => of(s).events(s),
  };
}
