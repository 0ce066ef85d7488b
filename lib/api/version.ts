import pkg from "../../package.json" with { type: "json" };

/** The release, as package.json states it (bundled in at build time). */
export const SERVICE_VERSION: string = pkg.version;
