// esbuild plugins for the Lambda bundles (serverless.yml custom.esbuild.plugins; test/bench reads them too).
// Each one drops code a function can never run, so cold starts parse and evaluate less.
const path = require("node:path");

/**
 * zod's `z` namespace re-exports every locale (~260 KB minified). The service only ever uses the
 * English messages zod registers by default, so its locales index resolves to English alone;
 * `z.locales.en()` and `z.config(z.locales.en())` keep working.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.c?js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](classic|core|mini)[\\/]/.test(args.importer)) return undefined;
      const ext = args.path.endsWith(".cjs") ? ".cjs" : ".js";
      return { path: path.join(path.dirname(args.importer), "..", "locales", `en${ext}`), namespace: "zod-en" };
    });
    build.onLoad({ filter: /.*/, namespace: "zod-en" }, (args) => ({
      contents: `import en from ${JSON.stringify(args.path)};\nexport { en };\n`,
      resolveDir: path.dirname(args.path),
      loader: "js",
    }));
  },
};

/**
 * node-fetch 2 (client-node's HTTP layer) gets its two URL modules from here:
 * - `whatwg-url`: it reads `Url.URL || whatwgUrl.URL`, and on Node >= 10 the built-in URL always
 *   wins, so whatwg-url and its tr46 tables (~290 KB) are dead weight;
 * - `url`: it parses every request URL with the legacy `url.parse`, which Node 24 (the Lambda
 *   runtime, serverless.yml) deprecates with a DEP0169 warning on each cold start's first call. It
 *   only ever parses absolute URLs it has already normalised with WHATWG URL, so its `parse` gives
 *   WHATWG URL's request options (what http.request takes) and `format` their href. A relative URL
 *   parses to no protocol or host, and node-fetch refuses it with its own "Only absolute URLs are
 *   supported", as before.
 */
const NODE_FETCH_URL_MODULES = {
  "whatwg-url": "module.exports = { URL: require('node:url').URL };\n",
  url:
    'const { URL, urlToHttpOptions } = require("node:url");\n' +
    "function parse(input) {\n" +
    "  if (!URL.canParse(input)) return { protocol: null, hostname: null, href: input };\n" +
    "  return urlToHttpOptions(new URL(input));\n" +
    "}\n" +
    "module.exports = { URL, parse, format: (parsed) => parsed.href };\n",
};
const nodeFetchUrlModules = {
  name: "node-fetch-url-modules",
  setup(build) {
    build.onResolve({ filter: /^(whatwg-url|url)$/ }, (args) => {
      if (!/[\\/]node-fetch[\\/]/.test(args.importer)) return undefined;
      return { path: args.path, namespace: "node-fetch-url" };
    });
    build.onLoad({ filter: /.*/, namespace: "node-fetch-url" }, (args) => ({
      contents: NODE_FETCH_URL_MODULES[args.path],
      loader: "js",
    }));
  },
};

const CLIENT_NODE_CONFIG = /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]config\.js$/;

/**
 * client-node's KubeConfig imports `./gen/index.js` for two small things (createConfiguration,
 * ServerConfiguration, both only for makeApiClient), and that index re-exports every generated API
 * and model (~1.2 MB minified). The service makes its REST calls itself (lib/k8s/kube-client.ts),
 * so KubeConfig gets just those two from their own files.
 */
const kubeConfigWithoutGeneratedApis = {
  name: "kubeconfig-without-generated-apis",
  setup(build) {
    build.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) => {
      if (!CLIENT_NODE_CONFIG.test(args.importer)) return undefined;
      return { path: path.join(path.dirname(args.importer), "gen"), namespace: "kc-gen" };
    });
    build.onLoad({ filter: /.*/, namespace: "kc-gen" }, (args) => ({
      contents:
        'export { createConfiguration } from "./configuration.js";\n' +
        'export { ServerConfiguration } from "./servers.js";\n',
      resolveDir: args.path,
      loader: "js",
    }));
  },
};

/**
 * Legacy kubeconfig auth providers (oidc, azure, gcp: removed from kubectl since 1.26 in favour of
 * exec plugins) and SOCKS proxies pull openid-client, jsonpath-plus and socks (~140 KB). The service
 * reaches its cluster with a token (EKS), an exec plugin or client certificates, so these resolve
 * to stand-ins that recognise such a kubeconfig and refuse it with a clear error, never silently.
 */
const unsupported = (what) =>
  `throw new Error(${JSON.stringify(`${what} is not supported by the notebooks service's bundle; use a token, client certificates or an exec plugin`)});`;
const authProviderStub = (className, name) => `
export class ${className} {
  isAuthProvider(user) { return Boolean(user && user.authProvider && user.authProvider.name === ${JSON.stringify(name)}); }
  async applyAuthentication() { ${unsupported(`The kubeconfig auth-provider "${name}"`)} }
}
`;
const KUBECONFIG_STUBS = {
  "./oidc_auth.js": authProviderStub("OpenIDConnectAuth", "oidc"),
  "./azure_auth.js": authProviderStub("AzureAuth", "azure"),
  "./gcp_auth.js": authProviderStub("GoogleCloudPlatformAuth", "gcp"),
  "socks-proxy-agent": `export class SocksProxyAgent { constructor() { ${unsupported("A SOCKS proxy-url")} } }\n`,
};
const kubeConfigEssentials = {
  name: "kubeconfig-essentials",
  setup(build) {
    build.onResolve({ filter: /^(\.\/(oidc|azure|gcp)_auth\.js|socks-proxy-agent)$/ }, (args) => {
      if (!CLIENT_NODE_CONFIG.test(args.importer)) return undefined;
      return { path: args.path, namespace: "kc-stub" };
    });
    build.onLoad({ filter: /.*/, namespace: "kc-stub" }, (args) => ({
      contents: KUBECONFIG_STUBS[args.path],
      loader: "js",
    }));
  },
};

/**
 * KubeConfig imports node:child_process (with dgram and the socket list, ~0.6 ms to load) at
 * import, for exec-plugin credentials and WSL paths. A stand-in loads it on the first spawn, so
 * exec plugins keep working and token or certificate kubeconfigs never load it.
 */
const kubeConfigLazyChildProcess = {
  name: "kubeconfig-lazy-child-process",
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) => {
      if (!/[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/](config|exec_auth)\.js$/.test(args.importer))
        return undefined;
      return { path: "child_process", namespace: "kc-lazy" };
    });
    build.onLoad({ filter: /.*/, namespace: "kc-lazy" }, () => ({
      contents:
        'const load = () => require("node:child_process");\n' +
        "module.exports = {\n" +
        "  spawn: (...args) => load().spawn(...args),\n" +
        "  spawnSync: (...args) => load().spawnSync(...args),\n" +
        "};\n",
      loader: "js",
    }));
  },
};

/**
 * @smithy/signature-v4's CommonJS build require()s whole @smithy/core submodules (~130 KB); its ES
 * build imports the few helpers it uses, which esbuild can tree-shake. Only EKS access signs.
 */
const signatureV4AsEsm = {
  name: "signature-v4-as-esm",
  setup(build) {
    build.onResolve({ filter: /^@smithy\/signature-v4$/ }, (args) => ({
      path: require.resolve("@smithy/signature-v4/package.json", { paths: [args.resolveDir] })
        .replace(/package\.json$/, path.join("dist-es", "index.js")),
    }));
  },
};

/**
 * `import text from "pkg/file?raw"` bundles the file's content as a string, as vite (the tests)
 * reads the same import: the API page inlines swagger-ui-dist's script and style this way.
 */
const rawText = {
  name: "raw-text",
  setup(build) {
    build.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: require.resolve(args.path.slice(0, -"?raw".length), { paths: [args.resolveDir] }),
      namespace: "raw-text",
    }));
    build.onLoad({ filter: /.*/, namespace: "raw-text" }, (args) => ({
      contents: require("node:fs").readFileSync(args.path, "utf8"),
      loader: "text",
    }));
  },
};

/**
 * zod decides per object schema, when it is built, whether to compile a fast path on its first
 * parse (new Function, ~0.5 ms each); lib/config/schema.ts turns that off, but schemas of modules that
 * load before it (GitLab's, the ledger's, authentication's) were already built with it on. zod
 * keeps its settings on globalThis.__zod_globalConfig, so a banner sets jitless before any module.
 */
const ZOD_CONFIG_KEY = "__zod_globalConfig";
const zodJitlessFromTheStart = {
  name: "zod-jitless-from-the-start",
  setup(build) {
    const core = require.resolve("zod/v4/core", { paths: [__dirname] }).replace(/index\.c?js$/, "core.js");
    if (!require("node:fs").readFileSync(core, "utf8").includes(`globalThis.${ZOD_CONFIG_KEY}`)) {
      throw new Error(`zod no longer keeps its configuration on globalThis.${ZOD_CONFIG_KEY}`);
    }
    // "use strict" first: the banner would otherwise push the bundle's own directive off the top.
    const js = `"use strict";\nglobalThis.${ZOD_CONFIG_KEY} = { jitless: true };`;
    const banner = build.initialOptions.banner ?? {};
    build.initialOptions.banner = { ...banner, js: banner.js ? `${js}\n${banner.js}` : js };
  },
};

/**
 * @middy/core imports node:stream/web (~1.5 ms to load) for one `instanceof ReadableStream` check
 * on streamed responses, which these functions never use. The class it gets defers to the global
 * ReadableStream, which Node loads on first access only.
 */
const middyWithoutWebStreams = {
  name: "middy-without-web-streams",
  setup(build) {
    build.onResolve({ filter: /^node:stream\/web$/ }, (args) => {
      if (!/[\\/]@middy[\\/]core[\\/]/.test(args.importer)) return undefined;
      return { path: "stream-web", namespace: "middy-stub" };
    });
    build.onLoad({ filter: /.*/, namespace: "middy-stub" }, () => ({
      contents:
        "export class ReadableStream {\n" +
        "  static [Symbol.hasInstance](value) { return value instanceof globalThis.ReadableStream; }\n" +
        "}\n",
      loader: "js",
    }));
  },
};

module.exports = [
  rawText,
  zodEnglishOnly,
  nodeFetchUrlModules,
  kubeConfigWithoutGeneratedApis,
  kubeConfigEssentials,
  kubeConfigLazyChildProcess,
  signatureV4AsEsm,
  middyWithoutWebStreams,
  zodJitlessFromTheStart,
];
