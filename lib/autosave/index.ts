/** Autosave logic (docs/spec.md section 8, D11, D17), coded against structural ports. */
export {
  formatAutosaveName,
  parseAutosaveName,
  parseOwnAutosave,
} from "./branch-name.js";
export {
  type CleanupSummary,
  cleanupSettings,
  runAutosaveCleanup,
} from "./cleanup-job.js";
export { autosaveNotFound, deleteOwnAutosave } from "./delete.js";
export {
  LEDGER_REFRESH_MS,
  pruneLedger,
  recordLaunch,
  recordLaunchInLedger,
  withLedger,
} from "./ledger.js";
export {
  autosavesForCaller,
  toAutosaveItems,
} from "./list.js";
export {
  cleanupAutosavesOnLaunch,
  isProperAncestor,
} from "./on-launch.js";
export {
  type AutosaveGitLab,
  type BranchInfo,
  LedgerConflictError,
  type LedgerEntry,
  type LedgerStore,
} from "./ports.js";
export { findProjectOr404 } from "./project.js";
export {
  DAY_MS,
  decideRetention,
  type RetentionInput,
} from "./retention.js";
