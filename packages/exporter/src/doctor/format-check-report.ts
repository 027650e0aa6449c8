import type { LangfuseCheckReport } from './check-result.js';

const MARKS = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skipped: 'skip' } as const;

/** The report as lines of text: one per check, its fix below it, and a last line with the verdict. */
export function formatCheckReport(report: LangfuseCheckReport): string {
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${MARKS[check.status]} ${check.name}: ${check.summary}`);
    if (check.fix !== undefined) lines.push(`     fix: ${check.fix}`);
  }
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  const warned = report.checks.filter((check) => check.status === 'warn').length;
  lines.push(
    failed > 0
      ? `${failed} problem(s) keep traces from showing up${warned > 0 ? `, ${warned} warning(s)` : ''}.`
      : `No problem found${warned > 0 ? ` (${warned} warning(s))` : ''}: traces sent with these settings reach Langfuse.`,
  );
  return lines.join('\n');
}
