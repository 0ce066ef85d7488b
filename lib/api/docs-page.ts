/**
 * The browsable API page: Swagger UI over the generated spec. Its script and style are inlined from
 * swagger-ui-dist at bundle time (`?raw` imports, build/esbuild-plugins.cjs): no CDN is reachable
 * from where the service runs, and one response needs no asset routes.
 */
import style from "swagger-ui-dist/swagger-ui.css?raw";
import script from "swagger-ui-dist/swagger-ui-bundle.js?raw";

/** JSON inside a <script> element: nothing in it may close the element. */
const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

export function docsPage(specUrl: string, title = "Renku notebooks API"): string {
  const options = {
    url: specUrl,
    dom_id: "#swagger-ui",
    // The public validator badge would call out to swagger.io.
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
  };
  return `<!doctype html>
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
<script>${script.replace(/<\/script/gi, "<\\/script")}</script>
<script>window.ui = SwaggerUIBundle(${inlineJson(options)});</script>
</body>
</html>
`;
}
