/** What loadConfig refuses an environment for: the ConfigError's problems, one line per setting. */
import { ConfigError, loadConfig } from "../../lib/config/load.js";

export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected a ConfigError");
}
