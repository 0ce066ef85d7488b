// A fresh "Lambda container": require a bundle, serve the events given, report on stdout.
// argv: <bundle.cjs> <events.json> [repeat]. Each line of output: BENCH {json}.
// HARNESS_RESPONSES=1 also reports each first-pass response (status and body), for tests.
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
// Exits once the line is written: a pipe takes a large report (the docs page) in several writes.
const report = (o, code) =>
  process.stdout.write(`BENCH ${JSON.stringify(o)}\n`, () => process.exit(code));
(async () => {
  const handler = require(bundle).main;
  const statuses = {};
  // Each event's time in the first pass (the first is the cold one).
  const times = [];
  const responses = [];
  let peakRss = 0;
  const heapAt = {};
  for (let i = 0; i < repeat; i++) {
    for (const event of events) {
      const t0 = performance.now();
      const res = await handler(event, context);
      if (i === 0) times.push(performance.now() - t0);
      if (i === 0 && process.env.HARNESS_RESPONSES === "1")
        responses.push({ statusCode: res?.statusCode, body: res?.body });
      const status = res?.statusCode || 0;
      statuses[status] = (statuses[status] || 0) + 1;
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (repeat > 1 && (i === 99 || i === repeat - 1)) {
      if (global.gc) global.gc();
      heapAt[i + 1] = process.memoryUsage().heapUsed;
    }
  }
  report({ statuses, times, peakRss, heapAt, rss: process.memoryUsage().rss, responses }, 0);
})().catch((err) => {
  report({ error: String(err?.stack ? err.stack.split("\n")[0] : err) }, 1);
});
