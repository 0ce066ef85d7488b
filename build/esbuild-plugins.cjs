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
 * node-fetch 2 (client-node's HTTP layer) reads `Url.URL || whatwgUrl.URL`: on Node >= 10 the
 * built-in URL always wins, so whatwg-url and its tr46 tables (~290 KB) are dead weight.
 */
const whatwgUrlFromNode = {
  name: "whatwg-url-from-node",
  setup(build) {
    build.onResolve({ filter: /^whatwg-url$/ }, (args) => {
      if (!/[\\/]node-fetch[\\/]/.test(args.importer)) return undefined;
      return { path: "whatwg-url", namespace: "node-url" };
    });
    build.onLoad({ filter: /.*/, namespace: "node-url" }, () => ({
      contents: "module.exports = { URL: require('node:url').URL };\n",
      loader: "js",
    }));
  },
};

module.exports = [zodEnglishOnly, whatwgUrlFromNode];
