/** Scripted failures, chosen by the CR annotation `local.renku.io/fault` or by words in the image name. */
import type { KObject } from "../types.js";

export const FAULT_ANNOTATION = "local.renku.io/fault";

export type Fault =
  | { kind: "missing-command" }
  | { kind: "unschedulable" }
  | { kind: "quota" }
  | { kind: "crashloop" }
  | { kind: "clone"; exitCode: number };

export const UNSCHEDULABLE_MESSAGE = "0/3 nodes are available: 3 Insufficient cpu.";
export const QUOTA_EXCEEDED_MESSAGE = "The resource quota has been exceeded.";

function parse(word: string): Fault | undefined {
  const clone = /clone-(20[0-7])/.exec(word);
  if (clone) return { kind: "clone", exitCode: Number(clone[1]) };
  for (const kind of ["missing-command", "unschedulable", "quota", "crashloop"] as const)
    if (word.includes(kind)) return { kind };
  return undefined;
}

export function faultOf(cr: KObject): Fault | undefined {
  const annotation = cr.metadata.annotations?.[FAULT_ANNOTATION];
  if (annotation) return parse(annotation);
  const spec = cr.spec as
    | { jupyterServer?: { image?: string }; session?: { image?: string } }
    | undefined;
  // JupyterServer or AmaltheaSession.
  const image = spec?.jupyterServer?.image ?? spec?.session?.image ?? "";
  return parse(image);
}

/** What git-clone prints before exiting with each code (renku's git-clone init container). */
export const CLONE_ERRORS: Record<number, string> = {
  200: "git clone failed: unhandled git error",
  201: "Cannot reach the git remote server: the server is unavailable",
  202: "The autosave branch name is in an unexpected format and cannot be processed",
  203: "No space left on device",
  204: "error: pathspec did not match any file(s) known to git: requested branch does not exist on remote",
  205: "fatal: error while fetching submodules",
  206: "cloud storage mount path conflicts with the repository path",
  207: "cloud storage mount paths must be absolute",
};
