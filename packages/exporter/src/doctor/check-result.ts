/**
 * One finding of `checkLangfuse()` / `handle.check()`. `fail`: traces will not show up until it is fixed;
 * `warn`: they show up, but something is off; `skipped`: an earlier failure made the check pointless.
 */
export interface LangfuseCheck {
  /** A stable id, e.g. `keys`, `reachable`, `auth`, `transport`, `clock`, `spool`, `test-trace`, `global-provider`. */
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'skipped';
  /** What was found, one line; never a secret. */
  summary: string;
  /** What to do about it (set when the status is `fail` or `warn`). */
  fix?: string;
}

/** Every check, in the order they ran; `ok` is false when any of them failed. */
export interface LangfuseCheckReport {
  ok: boolean;
  checks: LangfuseCheck[];
}

export const ok = (name: string, summary: string): LangfuseCheck => ({ name, status: 'ok', summary });
export const fail = (name: string, summary: string, fix: string): LangfuseCheck => ({ name, status: 'fail', summary, fix });
export const warn = (name: string, summary: string, fix: string): LangfuseCheck => ({ name, status: 'warn', summary, fix });
export const skipped = (name: string, summary: string): LangfuseCheck => ({ name, status: 'skipped', summary });

export function reportOf(checks: LangfuseCheck[]): LangfuseCheckReport {
  return { ok: checks.every((check) => check.status !== 'fail'), checks };
}
