/** Autosave logic (notebooks-api.md section 8, D11, D17), coded against structural ports. */
export {
  AUTOSAVE_PREFIX,
  AUTOSAVE_SEARCH,
  type AutosaveName,
  formatAutosaveName,
  parseAutosaveName,
  parseOwnAutosave,
} from "./branch-name.js";
export {
  type CleanupJobInput,
  type CleanupSummary,
  cleanupSettings,
  runAutosaveCleanup,
} from "./cleanup-job.js";
export { autosaveNotFound, deleteOwnAutosave } from "./delete.js";
export {
  pruneLedger,
  recordLaunch,
  recordLaunchInLedger,
  type WithLedgerOptions,
  withLedger,
} from "./ledger.js";
export {
  type AutosaveListItem,
  type AutosavesResponse,
  autosavesForCaller,
  listOwnAutosaves,
  toAutosaveItems,
  toIsoDate,
} from "./list.js";
export {
  cleanupAutosavesOnLaunch,
  isProperAncestor,
  type LaunchCleanupInput,
  type LaunchCleanupResult,
  type LaunchKeepReason,
} from "./on-launch.js";
export {
  type AutosaveGitLab,
  type AutosaveLog,
  type BranchInfo,
  describeError,
  isLedgerConflict,
  isNotFound,
  LedgerConflictError,
  type LedgerEntry,
  type LedgerStore,
} from "./ports.js";
export { findProjectOr404, type ProjectRef } from "./project.js";
export {
  DAY_MS,
  type DeleteReason,
  decideRetention,
  type RetentionDecision,
  type RetentionInput,
  type RetentionReason,
} from "./retention.js";
