/**
 * The set-up of one backend's block in a `describe.each` over the backends: the block's beforeAll
 * starts a session stack with that backend (NB_AMALTHEA__BACKEND) and the block's options, its
 * afterAll stops it. Hooks a block registers after this call run after the start and before the
 * stop (vitest's default "stack" order), so a block seeds or starts more on top of the stack there;
 * what it starts before this call (a proxy the stack's settings name) is stopped after the stack.
 */
import { afterAll, beforeAll } from "vitest";
import { type BackendKit, type BackendName, KITS } from "./backends.js";
import { type SessionStack, type StackOptions, startSessionStack } from "./stack.js";

/**
 * Registers the hooks and returns the block's stack, filled in when its beforeAll has run (read it
 * inside tests and hooks, not while the block is collected). Options given as a function are read
 * in the beforeAll, after the block's earlier hooks; `setUp` runs in it once the stack is up.
 */
export function backendStack(
  backend: BackendName | Pick<BackendKit, "env">,
  opts: StackOptions | (() => StackOptions) = {},
  setUp?: (stack: SessionStack) => Promise<void> | void,
): SessionStack {
  const stack = {} as SessionStack;
  let started = false;
  beforeAll(async () => {
    const { env, ...rest } = typeof opts === "function" ? opts() : opts;
    const backendEnv = typeof backend === "string" ? KITS[backend].env : backend.env;
    Object.assign(stack, await startSessionStack({ ...rest, env: { ...backendEnv, ...env } }));
    started = true;
    await setUp?.(stack);
  });
  afterAll(async () => {
    if (started) await stack.stop();
  });
  return stack;
}
