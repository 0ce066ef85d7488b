/** The local registry stand-ins, for `npm start`, the benchmarks and the tests. */
export * from "./fixtures.js";
export { freePort, type RegistryAuth, type RunningRegistry, startRegistry } from "./launcher.js";
export { type ProxyFault, type RegistryProxy, startRegistryProxy } from "./proxy.js";
export { type Authorize, Pusher } from "./pusher.js";
export { pushSeedImages, toSeedImages } from "./seed-images.js";
export { startSuiteRegistries } from "./suite.js";
export { startTokenServer, type TokenServer } from "./token-server.js";
