import { paint, type Style } from './ansi.js';
import { displayWidth, padEnd, padStart, sanitizeText, truncate } from './text-width.js';
import {
  observationTree,
  type AssembledObservation,
  type AssembledTrace,
  type ObservationNode,
  type ObservationType,
} from './trace-assembly.js';
import { fieldMedia, type MediaSizeLookup } from './media-labels.js';
import { formatDuration, parseTimeMs } from './trace-time.js';
import { DURATION_COLUMNS, waterfallLayout } from './waterfall-layout.js';

export interface RenderTraceOptions {
  /** Terminal columns every line fits in. Default 80; at least 40. */
  width?: number;
  /** ANSI colours. Default false (plain text). */
  color?: boolean;
  /** Shown at the end of the first line, e.g. 'updated'. */
  note?: string;
  /**
   * The size of media by id (the receiver's media store), shown with each media reference: `[image/png 34 KB]`;
   * without it, or for media it does not know, the type only: `[image/png]`.
   */
  mediaSize?: MediaSizeLookup;
}

export const DEFAULT_RENDER_WIDTH = 80;
export const MIN_RENDER_WIDTH = 40;

const FILL = '█';
const OPEN_FILL = '░';
const EVENT_MARK = '◆';
const SEPARATOR = ' · ';

interface Segment {
  text: string;
  style?: Style[];
}

type Line = Segment[];

/**
 * The trace as a waterfall: a header (name, duration, observation count; id, user, session, tags), one line per
 * observation indented by depth with type, name, duration and a bar placed within the trace's time span, then the
 * scores. Generation details (model, tokens) and a level other than DEFAULT (with the status message) follow the
 * name when they fit, otherwise on lines of their own below it (a long model name is cut, token counts wrap).
 * The nesting stays visible at every width (see waterfallLayout). Media references in inputs, outputs and metadata
 * are listed as `input [image/png 34 KB]`, the trace's in the header, an observation's with its details (the values
 * themselves are not shown). Pure: same trace and options, same string.
 */
export function renderTrace(trace: AssembledTrace, options: RenderTraceOptions = {}): string {
  const width = options.width ?? DEFAULT_RENDER_WIDTH;
  if (!Number.isInteger(width) || width < MIN_RENDER_WIDTH) {
    throw new RangeError(`width must be an integer >= ${MIN_RENDER_WIDTH}, got ${String(options.width)}`);
  }
  const lines: Line[] = [
    ...headerLines(trace, width, options.note, options.mediaSize),
    ...observationLines(trace, width, options.mediaSize),
    ...scoreLines(trace, width),
  ];
  return lines.map((line) => toText(fit(line, width), options.color ?? false)).join('\n');
}

// --- header --------------------------------------------------------------------------------------------------

function headerLines(trace: AssembledTrace, width: number, note: string | undefined, mediaSize: MediaSizeLookup | undefined): Line[] {
  const count = trace.observations.length;
  const tail: Segment[] = [
    { text: `${SEPARATOR}${formatDuration(trace.durationMs)}` },
    { text: `${SEPARATOR}${count} observation${count === 1 ? '' : 's'}`, style: ['dim'] },
  ];
  if (note) tail.push({ text: `${SEPARATOR}${sanitizeText(note)}`, style: ['yellow'] });
  const prefix: Segment = { text: 'Trace ', style: ['dim'] };
  const fixed = displayWidth(prefix.text) + tail.reduce((sum, segment) => sum + displayWidth(segment.text), 0);
  const name = truncate(sanitizeText(trace.trace.name ?? '(unnamed)'), Math.max(1, width - fixed));
  const first: Line = [prefix, { text: name, style: ['bold'] }, ...tail];

  const parts: Line[] = [labelled('id', trace.id)];
  if (trace.trace.userId !== undefined) parts.push(labelled('user', trace.trace.userId));
  if (trace.trace.sessionId !== undefined) parts.push(labelled('session', trace.trace.sessionId));
  if (trace.trace.tags.length > 0) parts.push(labelled('tags', trace.trace.tags.join(', ')));
  for (const { field, labels } of fieldMedia(trace.trace, mediaSize)) parts.push(labelled(field, labels.join(' ')));
  return [first, ...wrapParts(parts, width)];
}

function labelled(label: string, value: string): Line {
  return [{ text: label, style: ['dim'] }, { text: ` ${sanitizeText(value)}` }];
}

/** Parts joined by the separator (' · '), wrapped greedily onto as many lines as needed; a part too long alone is cut. */
function wrapParts(parts: readonly Line[], width: number, separator: Segment = { text: SEPARATOR, style: ['dim'] }): Line[] {
  const lines: Line[] = [];
  let current: Line = [];
  let used = 0;
  const separatorWidth = displayWidth(separator.text);
  for (const part of parts) {
    const partWidth = lineWidth(part);
    if (current.length > 0 && used + separatorWidth + partWidth <= width) {
      current.push(separator, ...part);
      used += separatorWidth + partWidth;
    } else {
      if (current.length > 0) lines.push(current);
      current = [...part];
      used = partWidth;
    }
  }
  if (current.length > 0) lines.push(current);
  return lines;
}

// --- observations --------------------------------------------------------------------------------------------

interface TimeSpan {
  startMs: number;
  totalMs: number;
}

function observationLines(trace: AssembledTrace, width: number, mediaSize: MediaSizeLookup | undefined): Line[] {
  if (trace.observations.length === 0) return [[{ text: '(no observations)', style: ['dim'] }]];
  const forest = observationTree(trace);
  const layout = waterfallLayout(forest, width);
  const { barWidth, leftWidth, typeColumns } = layout;
  const startMs = parseTimeMs(trace.startTime) ?? 0;
  const span: TimeSpan = { startMs, totalMs: Math.max(0, (parseTimeMs(trace.endTime) ?? startMs) - startMs) };

  const lines: Line[] = [];
  const visit = (node: ObservationNode): void => {
    const { observation, depth } = node;
    // Type column first, then the name indented by depth, so types and tree both line up.
    const indent = layout.indent(depth);
    const nameRoom = leftWidth - typeColumns - 1 - displayWidth(indent);
    const fullName = sanitizeText(observation.name ?? '(unnamed)');
    const name = truncate(fullName, nameRoom);
    const head: Line = [
      { text: padEnd(layout.typeLabel(observation.type), typeColumns), style: [typeColor(observation.type)] },
      { text: ` ${indent}${name}` },
    ];
    const groups = detailGroups(observation, mediaSize);
    const inline = groups.flatMap((group, i) => (i === 0 ? groupLine(group) : [{ text: SEPARATOR, style: ['dim'] } as Segment, ...groupLine(group)]));
    const fitsInline =
      groups.length > 0 && name === fullName && lineWidth(head) + 2 + lineWidth(inline) <= leftWidth;
    if (fitsInline) head.push({ text: '  ' }, ...inline);
    head.push({ text: ' '.repeat(Math.max(0, leftWidth - lineWidth(head))) }, ...rightPart(observation, span, barWidth));
    lines.push(head);
    if (!fitsInline) {
      const continuation = ' '.repeat(typeColumns + 1 + displayWidth(indent) + 2);
      for (const line of detailLines(groups, width - continuation.length)) lines.push([{ text: continuation }, ...line]);
    }
    for (const child of node.children) visit(child);
  };
  for (const root of forest) visit(root);
  return lines;
}

/** A detail (model, token counts, level): its parts, the separator between them, and its style. */
interface DetailGroup {
  parts: string[];
  separator: string;
  style: Style;
  /** Shares the line of the group before it when both fit (token counts after the model). */
  joinsPrevious: boolean;
}

function groupLine(group: DetailGroup): Line {
  return [{ text: group.parts.join(group.separator), style: [group.style] }];
}

/** The details on lines of `room` columns: model and tokens share one when they fit, else the tokens wrap. */
function detailLines(groups: readonly DetailGroup[], room: number): Line[] {
  const lines: Line[] = [];
  for (const group of groups) {
    const whole = groupLine(group);
    const previous = lines.at(-1);
    if (group.joinsPrevious && previous && lineWidth(previous) + displayWidth(SEPARATOR) + lineWidth(whole) <= room) {
      previous.push({ text: SEPARATOR, style: ['dim'] }, ...whole);
      continue;
    }
    const parts = group.parts.map((part): Line => [{ text: truncate(part, room), style: [group.style] }]);
    lines.push(...wrapParts(parts, room, { text: group.separator, style: [group.style] }));
  }
  return lines;
}

/** Model and token usage (generation-like observations), level and status message, then media. */
function detailGroups(observation: AssembledObservation, mediaSize: MediaSizeLookup | undefined): DetailGroup[] {
  const groups: DetailGroup[] = [];
  if (observation.model !== undefined) {
    groups.push({ parts: [sanitizeText(observation.model)], separator: '', style: 'gray', joinsPrevious: false });
  }
  const tokens = tokenParts(observation.usageDetails);
  if (tokens.length > 0) groups.push({ parts: tokens, separator: ' / ', style: 'gray', joinsPrevious: true });

  const level = observation.level === 'DEFAULT' ? undefined : observation.level;
  const message = observation.statusMessage === undefined ? undefined : sanitizeText(observation.statusMessage);
  if (level !== undefined || message !== undefined) {
    const text = level !== undefined && message !== undefined ? `${level}: ${message}` : (level ?? message ?? '');
    groups.push({ parts: [text], separator: '', style: levelColor(observation.level), joinsPrevious: false });
  }
  const media = fieldMedia(observation, mediaSize).map(({ field, labels }) => sanitizeText(`${field} ${labels.join(' ')}`));
  if (media.length > 0) groups.push({ parts: media, separator: SEPARATOR, style: 'cyan', joinsPrevious: false });
  return groups;
}

/** e.g. `tokens 12 in`, `5 out`, `17 total` (shown joined by ' / '); OpenAI-shaped keys are read too. */
function tokenParts(usage: Record<string, unknown>): string[] {
  const count = (...keys: string[]): number | undefined => {
    for (const key of keys) {
      const value = usage[key];
      if (typeof value === 'number' && Number.isFinite(value)) return value;
    }
    return undefined;
  };
  const input = count('input', 'prompt_tokens', 'input_tokens', 'promptTokens');
  const output = count('output', 'completion_tokens', 'output_tokens', 'completionTokens');
  const total = count('total', 'total_tokens', 'totalTokens');
  const parts: string[] = [];
  if (input !== undefined) parts.push(`${input} in`);
  if (output !== undefined) parts.push(`${output} out`);
  if (total !== undefined) parts.push(`${total} total`);
  if (parts.length > 0) parts[0] = `tokens ${parts[0]}`;
  return parts;
}

function rightPart(observation: AssembledObservation, span: TimeSpan, barWidth: number): Line {
  const startMs = parseTimeMs(observation.startTime) ?? span.startMs;
  const offset = (ms: number): number => (span.totalMs > 0 ? ((ms - span.startMs) / span.totalMs) * barWidth : 0);
  const first = Math.min(barWidth - 1, Math.max(0, Math.floor(offset(startMs))));
  const color: Style = barColor(observation);
  let duration: string;
  let bar: Segment[];
  if (observation.type === 'event') {
    duration = '';
    bar = [{ text: ' '.repeat(first) }, { text: EVENT_MARK, style: [color] }, { text: ' '.repeat(barWidth - first - 1) }];
  } else {
    const ended = observation.endTime !== undefined;
    const endMs = ended ? (parseTimeMs(observation.endTime) ?? startMs) : span.startMs + span.totalMs;
    const last = Math.min(barWidth, Math.max(first + 1, Math.ceil(offset(endMs))));
    duration = ended ? formatDuration(observation.durationMs ?? 0) : 'open';
    bar = [
      { text: ' '.repeat(first) },
      { text: (ended ? FILL : OPEN_FILL).repeat(last - first), style: [color] },
      { text: ' '.repeat(barWidth - last) },
    ];
  }
  return [
    { text: ` ${padStart(duration, DURATION_COLUMNS)} ` },
    { text: '|', style: ['dim'] },
    ...bar,
    { text: '|', style: ['dim'] },
  ];
}

// --- scores --------------------------------------------------------------------------------------------------

function scoreLines(trace: AssembledTrace, width: number): Line[] {
  if (trace.scores.length === 0) return [];
  const prefix = 'scores ';
  const parts: Line[] = trace.scores.map((score) => {
    const value = `=${sanitizeText(String(score.value))}`;
    const room = Math.max(1, width - prefix.length - displayWidth(value));
    return [{ text: truncate(sanitizeText(score.name), room) }, { text: value, style: ['bold'] }];
  });
  const first = parts[0];
  if (first) first.unshift({ text: prefix, style: ['dim'] });
  return wrapParts(parts, width);
}

// --- output --------------------------------------------------------------------------------------------------

function lineWidth(line: Line): number {
  return line.reduce((sum, segment) => sum + displayWidth(segment.text), 0);
}

/** Cuts the line to `width` columns (ellipsis at the cut) and drops trailing spaces. */
function fit(line: Line, width: number): Line {
  const out: Line = [];
  let used = 0;
  for (const segment of line) {
    const segmentWidth = displayWidth(segment.text);
    if (used + segmentWidth <= width) {
      out.push(segment);
      used += segmentWidth;
      continue;
    }
    out.push({ ...segment, text: truncate(segment.text, width - used) });
    break;
  }
  const last = out.at(-1);
  if (last && last.style === undefined) last.text = last.text.trimEnd();
  return out;
}

function toText(line: Line, color: boolean): string {
  return line.map((segment) => (color && segment.style ? paint(segment.text, segment.style) : segment.text)).join('');
}

function typeColor(type: ObservationType): Style {
  switch (type) {
    case 'generation':
      return 'magenta';
    case 'event':
      return 'yellow';
    case 'span':
      return 'blue';
    case 'tool':
      return 'green';
    default:
      return 'cyan';
  }
}

function levelColor(level: AssembledObservation['level']): Style {
  switch (level) {
    case 'ERROR':
      return 'red';
    case 'WARNING':
      return 'yellow';
    default:
      return 'gray';
  }
}

function barColor(observation: AssembledObservation): Style {
  if (observation.level === 'ERROR') return 'red';
  if (observation.level === 'WARNING') return 'yellow';
  return typeColor(observation.type);
}
