/** Starts what the whole suite shares. Each stand-in registers its own start here as it lands. */
import type { TestProject } from "vitest/node";
import { fetchLambdaNode } from "./helpers/lambda-node.js";
import { pushSeedImages } from "./local/registry/index.js";
import { startSuiteRegistries } from "./local/registry/suite.js";
import { loadSeed } from "./local/seed.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The Node that Lambda runs (the runtime test, the e2e's serverless offline): fetched from the
  // npm registry once, here, while the registries start, rather than by several test files at once.
  const lambdaNode = fetchLambdaNode().catch((e: unknown) => {
    throw new Error(`test setup: Lambda's Node could not be fetched: ${(e as Error).message}`, {
      cause: e,
    });
  });
  const stops: Array<() => Promise<void>> = [];
  try {
    // The real docker-registry in three setups (open, Basic, bearer token), seeded with images;
    // test files read their URLs with inject("registries").
    const registries = await startSuiteRegistries();
    stops.push(registries.stop);
    // The seed's commit images, which every session stack (test/helpers/stack.ts) launches from:
    // pushed once here rather than by each stack (about a second each).
    await pushSeedImages(registries.registries.open.url, loadSeed().images ?? []);
    project.provide("registries", registries.registries);
  } catch (e) {
    for (const stop of stops.reverse()) await stop();
    await lambdaNode.catch(() => undefined);
    throw new Error(`test setup: the local registries did not start: ${(e as Error).message}`, {
      cause: e,
    });
  }
  try {
    await lambdaNode;
  } catch (e) {
    for (const stop of stops.reverse()) await stop();
    throw e;
  }
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
