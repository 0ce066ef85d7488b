// serverless offline, as API Gateway (HTTP API, payload 2.0) does: a header sent more than once
// reaches the function once, its values joined with commas. Offline keeps only the last value,
// so two Renku-Auth-Anon-Id headers would pass locally while the deployed API refuses them
// (issue 24). Cookie headers stay as they are: offline splits them into `cookies` itself.
// Active only for `serverless offline`: the hook patches the request event of this process's
// HTTP servers before offline starts its own.
const http = require("node:http");

/** [name, value, name, value, ...] with repeated names (any case) joined, first spelling kept. */
function joinRepeated(raw) {
  const order = [];
  const byName = new Map();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    const seen = byName.get(lower);
    if (seen && lower !== "cookie") seen.values.push(raw[i + 1]);
    else {
      const entry = { name: raw[i], values: [raw[i + 1]] };
      if (lower !== "cookie") byName.set(lower, entry);
      order.push(entry);
    }
  }
  return order.flatMap((e) => [e.name, e.values.join(",")]);
}

let patched = false;
function joinRepeatedHeaders() {
  if (patched) return;
  patched = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, req, ...rest) {
    if (event === "request" && Array.isArray(req?.rawHeaders)) {
      req.rawHeaders = joinRepeated(req.rawHeaders);
    }
    return emit.call(this, event, req, ...rest);
  };
}

class OfflineJoinedHeaders {
  constructor() {
    this.hooks = { "before:offline:start:init": joinRepeatedHeaders, "before:offline:start": joinRepeatedHeaders };
  }
}

module.exports = OfflineJoinedHeaders;
module.exports.joinRepeated = joinRepeated;
