// Times in events are zoned ISO strings (validated by zoned-date-time.ts), often with more than millisecond
// precision (the exporter writes nanoseconds). Date.parse drops the sub-millisecond part and refuses `+hh`
// offsets, so the fraction and the offset are read here.

const ZONED_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)$/;

/** Milliseconds since the epoch, fraction kept (e.g. 1714557600000.1235); undefined when not a zoned time. */
export function parseTimeMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = ZONED_TIME.exec(value);
  if (!match) return undefined;
  const [, base = '', fraction = '', zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.length > 3 ? zone.slice(-2) : '00'}`;
  const whole = Date.parse(`${base}${offset}`);
  if (Number.isNaN(whole)) return undefined;
  return fraction === '' ? whole : whole + Number(`0.${fraction}`) * 1000;
}

/**
 * A compact duration: `0.4ms`, `25ms`, `1.23s`, `12.3s`, `1m05s`, `2h03m` (at most 6 characters below 100 hours).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 10) {
    const tenths = Math.round(ms * 10) / 10;
    if (tenths < 10) return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)}ms`;
  }
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 9995) return `${(ms / 1000).toFixed(2)}s`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  }
  const totalMinutes = Math.round(ms / 60_000);
  return `${Math.floor(totalMinutes / 60)}h${String(totalMinutes % 60).padStart(2, '0')}m`;
}
