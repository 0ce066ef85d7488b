// A fresh "Lambda container" for test/bench/eks-first.ts: require the probe bundle, serve one first
// request's cluster access, report on stdout. argv: <probe.cjs> <sdk|signed|pinned|kubeconfig>.
const { performance } = require("node:perf_hooks");
const [bundle, way] = process.argv.slice(2);
const report = (o) => process.stdout.write(`BENCH ${JSON.stringify(o)}\n`);
// The SDK's files: @aws-sdk/* and the @smithy/* packages it requires (the bundle carries its own signer).
const sdkModules = () =>
  Object.keys(require.cache).filter((f) => /[\\/]node_modules[\\/]@(aws-sdk|smithy)[\\/]/.test(f))
    .length;
(async () => {
  const t0 = performance.now();
  const probe = require(bundle);
  const t1 = performance.now();
  const loadedBefore = sdkModules();
  const { server, access } = await probe.firstRequest(way);
  const t2 = performance.now();
  // Untimed: one real API call after the first request's access, when asked (BENCH_EKS_CALL).
  const path = process.env.BENCH_EKS_CALL;
  const called = path ? await probe.call(access, path) : undefined;
  const loadedAfter = sdkModules();
  report({ loadMs: t1 - t0, firstMs: t2 - t1, loadedBefore, loadedAfter, server, called });
  process.exit(0);
})().catch((err) => {
  report({ error: String(err?.stack ? err.stack.split("\n")[0] : err) });
  process.exit(1);
});
