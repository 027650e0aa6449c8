import type { ErrorObject } from 'ajv';
import { ZONED_DATE_TIME_FORMAT } from './event-schemas.js';

/** One reason an event or request was refused, with the field it is about (e.g. `body.level`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

const MAX_ISSUES = 20;
const MAX_ISSUES_IN_MESSAGE = 5;

/** `root` names the validated value itself in paths (e.g. `event`, `request body`). */
export function toValidationIssues(errors: readonly ErrorObject[] | null | undefined, root: string): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors ?? []) {
    // An `if`/`then` rule's own error only repeats the reason its `then` part already gave.
    if (error.keyword === 'if') continue;
    const issue = describe(error, root);
    const key = `${issue.path} ${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
    if (issues.length === MAX_ISSUES) break;
  }
  return issues;
}

/** `Invalid request data: body.level must be one of ...; body.id is required`. */
export function summarizeIssues(issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => `${issue.path} ${issue.message}`);
  const more = issues.length > MAX_ISSUES_IN_MESSAGE ? ` (+${issues.length - MAX_ISSUES_IN_MESSAGE} more)` : '';
  return `Invalid request data: ${shown.join('; ')}${more}`;
}

function describe(error: ErrorObject, root: string): ValidationIssue {
  const path = pointerToPath(error.instancePath);
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'required':
      return { path: join(path, String(params.missingProperty)), message: 'is required' };
    case 'type':
      return { path: orRoot(path, root), message: `must be ${[params.type].flat().join(' or ')}` };
    case 'enum': {
      const allowed = [params.allowedValues].flat().filter((value) => value !== null);
      return { path: orRoot(path, root), message: `must be one of ${allowed.join(', ')}` };
    }
    case 'format':
      return {
        path: orRoot(path, root),
        message:
          params.format === ZONED_DATE_TIME_FORMAT
            ? 'must be an ISO 8601 date-time with seconds and a zone (Z or an offset like +02:00)'
            : `must match format ${String(params.format)}`,
      };
    case 'pattern':
      return { path: orRoot(path, root), message: schemaDescription(error) ?? `must match ${String(params.pattern)}` };
    case 'minLength':
      return {
        path: orRoot(path, root),
        message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`,
      };
    case 'maxLength':
      return { path: orRoot(path, root), message: `must be at most ${String(params.limit)} characters` };
    case 'minimum':
      return { path: orRoot(path, root), message: `must be >= ${String(params.limit)}` };
    default:
      return { path: orRoot(path, root), message: error.message ?? `fails ${error.keyword}` };
  }
}

function schemaDescription(error: ErrorObject): string | undefined {
  const parent: unknown = error.parentSchema;
  if (typeof parent !== 'object' || parent === null || !('description' in parent)) return undefined;
  return typeof parent.description === 'string' ? parent.description : undefined;
}

/** `/body/tags/0` -> `body.tags[0]` */
function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^\d+$/.test(segment) ? `${path}[${segment}]` : join(path, segment);
  }
  return path;
}

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

function orRoot(path: string, root: string): string {
  return path === '' ? root : path;
}
