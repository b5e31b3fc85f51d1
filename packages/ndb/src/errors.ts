/**
 * The errors of `@nlkit/ndb`.
 */

/** A change was attempted through a read-only view, or a read-only database. */
export class ReadOnlyError extends Error {
  /** Always `"ReadOnlyError"`. */
  override readonly name = 'ReadOnlyError';
  constructor(what: string) {
    super(`${what}: this is a read-only view; changes need a transaction (db.begin(), or a view that is not .ro)`);
  }
}

/** A transaction was used wrongly: no transaction in explicit mode, a finished one, an object that does not exist. */
export class TransactionError extends Error {
  /** Always `"TransactionError"`. */
  override readonly name = 'TransactionError';
}

/** The kernel did not show a change in its events in time. */
export class SyncTimeoutError extends Error {
  /** Always `"SyncTimeoutError"`. */
  override readonly name = 'SyncTimeoutError';
}

/** How one undo step of a rollback went. */
export interface RollbackStep {
  /** What was undone (`"delete interface br0"`). */
  readonly step: string;
  /** Whether the undo step succeeded. */
  readonly ok: boolean;
  /** Why it failed, when it did. */
  readonly error?: unknown;
}

/** How a rollback went: every undo step, newest first. */
export interface RollbackReport {
  /** True when every undo step succeeded: the namespaces are as before the commit. */
  readonly ok: boolean;
  /** Every undo step, newest first. */
  readonly steps: readonly RollbackStep[];
}

/**
 * A commit failed and was rolled back: `failedStep` names the step (or the
 * commit hook) that failed and `cause` says why; `rollback` tells whether
 * undoing the steps already applied worked, step by step.
 */
export class CommitError extends Error {
  /** Always `"CommitError"`. */
  override readonly name = 'CommitError';
  /** The failed step's description (`"add route 10.9.0.0/24 via 10.99.0.1"`), or `"commit hook <name>"`. */
  readonly failedStep: string;
  /** Its position among the steps (0-based); the number of steps for a hook. */
  readonly stepIndex: number;
  /** How many steps there were. */
  readonly steps: number;
  /** How undoing the steps already applied went. */
  readonly rollback: RollbackReport;

  constructor(init: { failedStep: string; stepIndex: number; steps: number; cause: unknown; rollback: RollbackReport }) {
    const why = init.cause instanceof Error ? init.cause.message : String(init.cause);
    const undone = init.rollback.steps.length;
    const outcome = init.rollback.ok
      ? `rolled back ${undone} applied step${undone === 1 ? '' : 's'}: ok`
      : `rollback FAILED at ${init.rollback.steps.filter((s) => !s.ok).map((s) => `"${s.step}" (${s.error instanceof Error ? s.error.message : String(s.error)})`).join(', ')}`;
    super(`commit failed at step ${init.stepIndex + 1} of ${init.steps}, "${init.failedStep}": ${why}; ${outcome}`, { cause: init.cause });
    this.failedStep = init.failedStep;
    this.stepIndex = init.stepIndex;
    this.steps = init.steps;
    this.rollback = init.rollback;
  }
}
