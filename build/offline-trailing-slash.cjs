// serverless offline routes "/a/" to the route "/a" itself (its hapi router strips a trailing
// slash), and turns a declared "/a/" into a second "/a" that hapi refuses as a conflict. API
// Gateway's HTTP API matches exactly, so serverless.yml declares the trailing-slash twins the
// v2 routes need (data-services accepts both spellings); under offline they are dropped here,
// before offline reads the functions' events.

/** The events offline can take: those on an httpApi path ending in a slash left out. */
function withoutSlashTwins(events) {
  return events.filter((e) => {
    const path = typeof e?.httpApi === "object" ? e.httpApi.path : undefined;
    return !(typeof path === "string" && path.length > 1 && path.endsWith("/"));
  });
}

class OfflineTrailingSlash {
  constructor(serverless) {
    const drop = () => {
      for (const fn of Object.values(serverless.service.functions ?? {})) {
        if (Array.isArray(fn.events)) fn.events = withoutSlashTwins(fn.events);
      }
    };
    this.hooks = { "before:offline:start:init": drop, "before:offline:start": drop };
  }
}

module.exports = OfflineTrailingSlash;
module.exports.withoutSlashTwins = withoutSlashTwins;
