/** Resolving the project named in an autosave URL, as the caller sees it. */
import { missingResource } from "../errors.js";
import type { AutosaveGitLab } from "./ports.js";

export interface ProjectRef {
  id: number;
  path_with_namespace: string;
}

/** The project, or 404 "Cannot find project <path>" (section 8) when the caller cannot see it. */
export async function findProjectOr404(
  gitlab: Pick<AutosaveGitLab, "getProject">,
  path: string,
): Promise<ProjectRef> {
  const project = await gitlab.getProject(path);
  if (!project) throw missingResource(`Cannot find project ${path}`);
  return project;
}
