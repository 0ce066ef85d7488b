/**
 * What follows a successful creation (docs/spec.md 4.1 step 8, D11, D17): the project goes into
 * the autosave ledger and the caller's superseded autosaves are deleted. Both run concurrently,
 * are awaited (a Lambda may freeze once it answers) and never fail the launch: failures are logged.
 * With a hand-off configured, the deletion is queued as an asynchronous invocation of its own
 * function and only the queuing is awaited; when the queuing fails it runs here as before.
 * The handed-off clean-up acts with the service token, so it is only handed off for a caller whose
 * own token may delete branches in the project (Developer or more, as GitLab's own rule): the ID
 * token may be unverified (D14), and a background step must never act with more rights than the
 * caller had. Anyone else's clean-up runs here, with their token, and GitLab refuses what it must.
 */

import type { Deps } from "../../adapters/deps.js";
import type { User } from "../../auth/user.js";
import type { LaunchCleanupHandOff } from "../../autosave/hand-off.js";
import { cleanupAutosavesOnLaunch, recordLaunchInLedger } from "../../autosave/index.js";
import { describeError } from "../../errors.js";
import type { GitLabProject } from "../../gitlab/types.js";
import type { Logger } from "../../obs/log.js";

/** GitLab's Developer role: the least that may delete an unprotected branch. */
const DEVELOPER_ACCESS = 30;

export interface AfterLaunchInput {
  user: User;
  /** accessLevel: the caller's, as their own token read the project. */
  project: Pick<GitLabProject, "id" | "path_with_namespace" | "accessLevel">;
  /** The full SHA of the launched commit. */
  commit: string;
  log: Logger;
}

export interface AfterLaunchResult {
  ledger: "recorded" | "failed" | "skipped";
  autosaves: { deleted: string[]; kept: string[]; failed: string[] } | "skipped" | "handed-off";
}

type LedgerResult = AfterLaunchResult["ledger"];

/**
 * Records the launch's project in the ledger; never throws. Only a session that may autosave
 * (a registered caller with Developer access or more, as the session's GIT_AUTOSAVE says) is
 * recorded: no other leaves an autosave for the clean-up to find. The launch starts this as soon as
 * its session exists, alongside the session's places being handed to it.
 */
export function recordInLedger(
  deps: Pick<Deps, "ledger" | "now">,
  input: Pick<AfterLaunchInput, "user" | "project" | "log">,
): Promise<LedgerResult> {
  const { project, log } = input;
  if (input.user.kind !== "registered" || project.accessLevel < DEVELOPER_ACCESS)
    return Promise.resolve("skipped");
  return recordLaunchInLedger(deps.ledger, {
    projectId: project.id,
    projectPath: project.path_with_namespace,
    at: deps.now(),
  }).then(
    () => "recorded" as const,
    (err: unknown) => {
      log.warn(
        { projectId: project.id, err: err instanceof Error ? err.message : String(err) },
        "could not record the launch in the autosave ledger; the scheduled clean-up will miss this project until its next launch",
      );
      return "failed" as const;
    },
  );
}

export async function afterLaunch(
  deps: Pick<Deps, "ledger" | "gitlab" | "now" | "launchCleanup">,
  input: AfterLaunchInput,
  ledger: Promise<LedgerResult> = recordInLedger(deps, input),
): Promise<AfterLaunchResult> {
  const { user, project, log } = input;
  const inline = (gitToken: string) =>
    cleanupAutosavesOnLaunch(deps.gitlab(gitToken), {
      projectId: project.id,
      username: user.username,
      commit: input.commit,
      log,
    }).then((r) => ({
      deleted: r.deleted,
      kept: r.kept.map((k) => k.name),
      failed: r.failed.map((f) => f.name),
    }));
  // Anonymous callers have no autosaves (and no token to delete with).
  const autosaves =
    user.kind !== "registered"
      ? Promise.resolve("skipped" as const)
      : deps.launchCleanup && project.accessLevel >= DEVELOPER_ACCESS
        ? handOff(deps.launchCleanup, input).catch((err: unknown) => {
            log.warn(
              { projectId: project.id, err: describeError(err) },
              "autosave clean-up on launch: hand-off failed, cleaning up here",
            );
            return inline(user.gitToken);
          })
        : inline(user.gitToken);
  const [ledgerResult, autosaveResult] = await Promise.all([ledger, autosaves]);
  return { ledger: ledgerResult, autosaves: autosaveResult };
}

async function handOff(
  queue: LaunchCleanupHandOff,
  input: AfterLaunchInput,
): Promise<"handed-off"> {
  await queue({
    projectId: input.project.id,
    username: input.user.username,
    commit: input.commit,
  });
  return "handed-off";
}
