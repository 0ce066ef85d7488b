/**
 * Connection reuse for the cluster calls. client-node's `applyToFetchOptions` makes a new agent
 * for every request, so every call opened a new connection (over TLS, a new handshake): 5–11 per
 * launch. Calls close together (one request's) share one keep-alive agent instead. A connection
 * idle for longer than REUSE_MS is never reused: the agent closes it (its socket timeout), well
 * before a server closes it under a request sent on it (ECONNRESET); and a Lambda frozen between
 * invocations may find its connections closed, so the first call after a pause starts afresh.
 * Only plain http/https agents are pooled; a proxy agent is used as client-node made it.
 */
import * as http from "node:http";
import * as https from "node:https";

/** Below any server's idle timeout (Node's default is 5 s, kube-apiserver's longer). */
export const REUSE_MS = 1000;

/** The agent options client-node derives from the kubeconfig (CA, client certificate, ...). */
const TLS_KEYS = [
  "ca",
  "cert",
  "key",
  "pfx",
  "passphrase",
  "rejectUnauthorized",
  "servername",
  "timeout",
] as const;

type Options = Partial<Record<(typeof TLS_KEYS)[number], unknown>>;

const same = (a: unknown, b: unknown) =>
  Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b;

const optionsOf = (agent: http.Agent): Options =>
  (agent as http.Agent & { options?: Options }).options ?? {};

export interface AgentPool {
  /** The agent to send a request with, given the one client-node made for it. */
  use(fresh: unknown, now?: number): unknown;
  /** The request sent with `agent` is over (its connection is idle from now). */
  release(agent: unknown, now?: number): void;
}

export function agentPool(): AgentPool {
  let pooled: { agent: http.Agent; options: Options; lastUsed: number } | undefined;
  const retire = (agent: http.Agent) => {
    for (const sockets of Object.values(agent.freeSockets))
      for (const s of sockets ?? []) s.destroy();
  };
  return {
    use(fresh, now = Date.now()) {
      const Kind =
        fresh instanceof https.Agent && fresh.constructor === https.Agent
          ? https.Agent
          : fresh instanceof http.Agent && fresh.constructor === http.Agent
            ? http.Agent
            : undefined;
      if (!Kind) return fresh;
      const options = optionsOf(fresh as http.Agent);
      if (
        pooled &&
        pooled.agent.constructor === Kind &&
        now - pooled.lastUsed <= REUSE_MS &&
        TLS_KEYS.every((k) => same(pooled?.options[k], options[k]))
      ) {
        pooled.lastUsed = now;
        return pooled.agent;
      }
      if (pooled) retire(pooled.agent);
      // `timeout` closes a free connection idle that long; node-fetch ignores it on a busy one
      // (its requests are bounded by their own AbortSignal).
      const agent = new Kind({
        ...(options as http.AgentOptions),
        keepAlive: true,
        timeout: REUSE_MS,
      });
      pooled = { agent, options, lastUsed: now };
      return agent;
    },
    release(agent, now = Date.now()) {
      if (pooled && pooled.agent === agent) pooled.lastUsed = now;
    },
  };
}
