/**
 * The JupyterServer custom resource a launch creates (section 4). Pure: built from the caller,
 * the checked project and image, and the resolved resources. The result holds tokens (env of
 * git-proxy and git-clone, the pull secret): never log it.
 */
import { sessionPath } from "../../sessions/url.js";
import { trimTrailingSlashes } from "../../util/trim.js";
import {
  assertManifestSize,
  containerResources,
  culling,
  type LaunchInput,
  launchContext,
  sessionMetadata,
} from "../pod/launch.js";
import { buildPatches } from "./patches.js";
import type { JupyterServer, JupyterServerSpec } from "./types.js";

export function buildManifest(input: LaunchInput): JupyterServer {
  const { config, user, name, image, resources } = input;
  const workdir = trimTrailingSlashes(image.workdir);
  const ctx = launchContext(input, "workspace");
  const rootDir = `${ctx.notebookDir}/`;
  const cull = culling(config, user, resources);
  const { labels, annotations } = sessionMetadata(input);

  const auth: JupyterServerSpec["auth"] =
    user.kind === "registered"
      ? {
          token: "",
          oidc: {
            enabled: true,
            clientId: config.sessions.oidc.client_id,
            clientSecret: { value: config.sessions.oidc.client_secret },
            issuerUrl: user.issuer ?? "",
            authorizedEmails: user.email ? [user.email] : [],
          },
        }
      : { token: user.id, oidc: { enabled: false } };

  const storageCfg = config.sessions.storage;
  const mountPath = `${workdir}/work`;
  const storage: JupyterServerSpec["storage"] = storageCfg.pvs_enabled
    ? {
        size: resources.storage,
        pvc: {
          enabled: true,
          mountPath,
          ...(storageCfg.pvs_storage_class
            ? { storageClassName: storageCfg.pvs_storage_class }
            : {}),
        },
      }
    : {
        size: storageCfg.use_empty_dir_size_limit ? resources.storage : "",
        pvc: { enabled: false, mountPath },
      };

  const tlsSecret = config.sessions.ingress.tls_secret;
  const manifest: JupyterServer = {
    apiVersion: `${config.amalthea.group}/${config.amalthea.version}`,
    kind: "JupyterServer",
    metadata: { name, namespace: config.k8s.namespace, labels, annotations },
    spec: {
      auth,
      culling: cull,
      jupyterServer: {
        image: image.image,
        defaultUrl: resources.defaultUrl,
        rootDir,
        resources: containerResources(config, resources),
      },
      routing: {
        host: config.sessions.ingress.host,
        path: sessionPath(name),
        ingressAnnotations: config.sessions.ingress.annotations,
        tls: tlsSecret ? { enabled: true, secretName: tlsSecret } : { enabled: false },
      },
      storage,
      patches: buildPatches(ctx),
    },
  };
  assertManifestSize(manifest);
  return manifest;
}
