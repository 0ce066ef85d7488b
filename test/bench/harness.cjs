// A fresh "Lambda container": require a bundle, serve the events given, report on stdout.
// argv: <bundle.cjs> <events.json> [repeat]. Each line of output: BENCH {json}.
const { readFileSync } = require("node:fs");
const [bundle, eventsFile, repeatArg] = process.argv.slice(2);
const events = JSON.parse(readFileSync(eventsFile, "utf8"));
const repeat = Number(repeatArg || 1);
const context = {
  awsRequestId: "bench",
  functionName: "bench",
  getRemainingTimeInMillis: () => 20000,
  callbackWaitsForEmptyEventLoop: false,
};
const report = (o) => process.stdout.write(`BENCH ${JSON.stringify(o)}\n`);
(async () => {
  const handler = require(bundle).main;
  const statuses = {};
  // Each event's time in the first pass (the first is the cold one).
  const times = [];
  let peakRss = 0;
  const heapAt = {};
  for (let i = 0; i < repeat; i++) {
    for (const event of events) {
      const t0 = performance.now();
      const res = await handler(event, context);
      if (i === 0) times.push(performance.now() - t0);
      const status = res?.statusCode || 0;
      statuses[status] = (statuses[status] || 0) + 1;
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (repeat > 1 && (i === 99 || i === repeat - 1)) {
      if (global.gc) global.gc();
      heapAt[i + 1] = process.memoryUsage().heapUsed;
    }
  }
  report({ statuses, times, peakRss, heapAt, rss: process.memoryUsage().rss });
  process.exit(0);
})().catch((err) => {
  report({ error: String(err?.stack ? err.stack.split("\n")[0] : err) });
  process.exit(1);
});
