/**
 * Step 6 of the launch (docs/spec.md 4.1, 7.3, D6, D7): does the project, its branch and commit,
 * and the image exist? Every check starts as early as it can and they run concurrently: the project
 * lookup, its branch and commit (by the project's path), the image (the explicit one, or the commit
 * image named from the request) and the caller's GitLab profile at once: one round of calls. Every
 * failure is collected into the one 404 missing-resources message.
 */

import type { Deps } from "../../adapters/deps.js";
import type { User } from "../../auth/user.js";
import { describeError } from "../../errors.js";
import type { GitLabCommit, GitLabProject, GitLabUser } from "../../gitlab/types.js";
import type { Logger } from "../../obs/log.js";
import { commitImage, type MissingResources, missingResourcesError } from "../../sessions/index.js";
import type { ImageCheck, LaunchRequest } from "../../sessions/types.js";
import { formatImageRef, type ImageRef, parseImageRef } from "../../util/image-ref.js";
import { settle, unsettle } from "../../util/settle.js";

export type CheckRequest = Pick<
  LaunchRequest,
  "namespace" | "project" | "branch" | "commitSha" | "requestedImage"
>;

export interface CheckedResources {
  project: GitLabProject;
  commit: GitLabCommit;
  image: ImageCheck;
  /** The registered caller's GitLab profile; undefined for anonymous callers or when unreadable. */
  gitlabUser: GitLabUser | undefined;
}

type CheckDeps = Pick<Deps, "config" | "gitlab" | "registry">;

/** The default image of D6: not checked (the platform provides it), never private. */
export function defaultImage(config: CheckDeps["config"]): ImageCheck {
  return {
    image: config.sessions.default_image,
    private: false,
    workdir: config.sessions.image_default_workdir,
    usedDefault: true,
  };
}

async function checkImage(
  deps: CheckDeps,
  ref: ImageRef,
  image: string,
  gitlabToken: string | undefined,
): Promise<ImageCheck | undefined> {
  const result = await deps.registry.check(ref, gitlabToken ? { gitlabToken } : {});
  if (!result.exists) return undefined;
  return {
    image,
    private: result.private,
    workdir: result.workdir ?? deps.config.sessions.image_default_workdir,
    usedDefault: false,
  };
}

/**
 * Runs the checks; throws the 404 listing everything missing, or the first upstream failure. An
 * unparsable explicit image is a 422 before any call is made.
 */
export async function checkLaunchResources(
  deps: CheckDeps,
  user: User,
  req: CheckRequest,
  log: Logger,
): Promise<CheckedResources> {
  const token = user.kind === "registered" ? user.gitToken : undefined;
  const explicit = req.requestedImage ? parseImageRef(req.requestedImage) : undefined;
  const gitlab = deps.gitlab(token);
  const projectPath = `${req.namespace}/${req.project}`;

  const projectP = gitlab.getProject(projectPath);
  // GitLab finds a project's branch and commit by its path as well as by its id, so they need not
  // wait for the project: asked at once, and used (their failures included) only if it exists.
  const branchGuess = settle(gitlab.getBranch(projectPath, req.branch));
  const commitGuess = settle(gitlab.getCommit(projectPath, req.commitSha));
  const branchP = projectP.then(async (p) => (p ? unsettle(await branchGuess) : undefined));
  const commitP = projectP.then(async (p) => (p ? unsettle(await commitGuess) : undefined));
  // The commit image's name follows from the request: its check starts at once, and is redone
  // only when GitLab's path for the project names another image (a rename). A guess whose project
  // turns out missing is dropped, its failure included.
  const guessed = explicit
    ? undefined
    : commitImage(deps.config, { path_with_namespace: projectPath }, req.commitSha);
  const guessP = guessed
    ? settle(checkImage(deps, parseImageRef(guessed), guessed, token))
    : undefined;
  const imageP: Promise<ImageCheck | undefined> = explicit
    ? checkImage(deps, explicit, req.requestedImage as string, token)
    : projectP.then(async (p) => {
        if (!p) return undefined;
        const image = commitImage(deps.config, p, req.commitSha);
        const found =
          image === guessed && guessP
            ? unsettle(await guessP)
            : await checkImage(deps, parseImageRef(image), image, token);
        if (found) return found;
        log.info(
          { image: formatImageRef(parseImageRef(image)) },
          "commit image missing: default image",
        );
        return defaultImage(deps.config);
      });
  // Only for the git identity and the pull secret's e-mail: a failure must not stop the launch.
  const gitlabUserP: Promise<GitLabUser | undefined> = token
    ? gitlab.currentUser().catch((err: unknown) => {
        log.warn({ err: describeError(err) }, "could not read the caller's GitLab profile");
        return undefined;
      })
    : Promise.resolve(undefined);

  const [project, branch, commit, image, gitlabUser] = await Promise.all([
    projectP,
    branchP,
    commitP,
    imageP,
    gitlabUserP,
  ]);

  const missing: MissingResources = {};
  if (!project) missing.project = projectPath;
  else {
    if (!branch) missing.branch = req.branch;
    if (!commit) missing.commit = req.commitSha;
  }
  if (explicit && !image) missing.image = req.requestedImage ?? undefined;
  const notFound = missingResourcesError(missing);
  if (notFound || !project || !commit || !image) {
    throw notFound ?? new Error("unreachable: checks passed without a project, commit or image");
  }
  return { project, commit, image, gitlabUser };
}
