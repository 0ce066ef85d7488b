/**
 * The browsable API page: Swagger UI over the generated spec. Its script and style are inlined from
 * swagger-ui-dist at bundle time (`?raw` imports, build/esbuild-plugins.cjs): no CDN is reachable
 * from where the service runs, and one response needs no asset routes. The page comes with its
 * Content-Security-Policy, which allows exactly its inline script and style (by hash).
 */
import style from "swagger-ui-dist/swagger-ui.css?raw";
import script from "swagger-ui-dist/swagger-ui-bundle.js?raw";
import { pagePolicy } from "./security-headers.js";

/** JSON inside a <script> element: nothing in it may close the element. */
const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

export function docsPage(
  specUrl: string,
  title = "Renku notebooks API",
): { html: string; policy: string } {
  const options = {
    url: specUrl,
    dom_id: "#swagger-ui",
    // The public validator badge would call out to swagger.io.
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
  };
  const bundle = script.replace(/<\/script/gi, "<\\/script");
  const start = `window.ui = SwaggerUIBundle(${inlineJson(options)});`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body>
<div id="swagger-ui"></div>
<script>${bundle}</script>
<script>${start}</script>
</body>
</html>
`;
  return { html, policy: pagePolicy({ scripts: [bundle, start], styles: [style] }) };
}
