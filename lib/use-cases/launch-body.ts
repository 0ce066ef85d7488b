import type { z } from "zod";
import type { launchBody } from "../api/schemas.js";

/** The validated POST /notebooks/servers body (docs/spec.md 6.1). */
export type LaunchBody = z.output<typeof launchBody>;
