/** The GET autosave listing (section 8): the caller's own, well-formed autosave branches. */
import type { z } from "zod";
import type { autosavesResponse } from "../api/responses.js";
import { AUTOSAVE_SEARCH, parseOwnAutosave } from "./branch-name.js";
import type { AutosaveGitLab, BranchInfo } from "./ports.js";
import { findProjectOr404 } from "./project.js";

export interface AutosaveListItem {
  /** The session branch the autosave was made from. */
  branch: string;
  /** The 7-character root commit. */
  commit: string;
  /** Always false since Amalthea (PVCs are deleted with the session). */
  pvs: false;
  /** The autosave's head commit date, as a UTC ISO instant; null when GitLab gave none usable. */
  date: string | null;
  /** The full branch name (what DELETE takes). */
  name: string;
}

/** The response schema's type, so the listing is checked against what the API publishes. */
export type AutosavesResponse = z.output<ReturnType<typeof autosavesResponse>>;

/** A GitLab date (`2024-05-01T10:00:00.000+02:00`) as a UTC ISO instant, or null if unusable. */
export function toIsoDate(value: string | undefined): string | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Pure: keeps the branches that parse and belong to `username`, in GitLab's order. */
export function toAutosaveItems(branches: BranchInfo[], username: string): AutosaveListItem[] {
  const items: AutosaveListItem[] = [];
  for (const b of branches) {
    const parsed = parseOwnAutosave(b.name, username);
    if (!parsed) continue;
    items.push({
      branch: parsed.branch,
      commit: parsed.root,
      pvs: false,
      date: toIsoDate(b.commit?.committed_date),
      name: b.name,
    });
  }
  return items;
}

/** One branch-list call (all pages); the dates come with it, so no request per branch. */
export async function listOwnAutosaves(
  gitlab: Pick<AutosaveGitLab, "listBranches">,
  projectId: number,
  username: string,
): Promise<AutosaveListItem[]> {
  return toAutosaveItems(await gitlab.listBranches(projectId, AUTOSAVE_SEARCH), username);
}

/**
 * The whole GET answer. `gitlab` must act as the caller (their git token, none for anonymous
 * callers), so that a project they cannot see is 404. Anonymous callers never autosave: once the
 * project is found, their list is empty, as the reference answered.
 */
export async function autosavesForCaller(
  gitlab: Pick<AutosaveGitLab, "getProject" | "listBranches">,
  input: {
    user: { kind: "registered" | "anonymous"; username: string };
    projectPath: string;
    pvsSupport: boolean;
  },
): Promise<AutosavesResponse> {
  const project = await findProjectOr404(gitlab, input.projectPath);
  if (input.user.kind !== "registered") return { pvsSupport: input.pvsSupport, autosaves: [] };
  const autosaves = await listOwnAutosaves(gitlab, project.id, input.user.username);
  return { pvsSupport: input.pvsSupport, autosaves };
}
