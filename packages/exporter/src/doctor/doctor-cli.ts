import { parseArgs } from 'node:util';
import { describeError } from '../diagnostics/describe-error.js';
import { checkLangfuse, DEFAULT_CHECK_TIMEOUT_MS, type LangfuseCheckOptions } from './check-langfuse.js';
import { formatCheckReport } from './format-check-report.js';

export const DOCTOR_COMMAND = 'npx @otel-langfuse/exporter doctor';

export const DOCTOR_HELP = `Usage: ${DOCTOR_COMMAND} [options]

Checks why traces might not show up in Langfuse, with the settings the exporter would use (the same LANGFUSE_*
environment variables): keys present and accepted, the server reachable (through the proxy in use) and its version,
which endpoint transport 'auto' uses and why, clock skew against the server, the spool (LANGFUSE_SPOOL_DIR), and one
test trace named "otel-langfuse doctor" sent and confirmed. Each failure comes with its fix.

Options:
  --base-url URL       Langfuse base URL (default: LANGFUSE_BASE_URL, LANGFUSE_BASEURL or LANGFUSE_HOST, else Langfuse Cloud)
  --public-key KEY     Public key (default: LANGFUSE_PUBLIC_KEY)
  --secret-key KEY     Secret key (default: LANGFUSE_SECRET_KEY; prefer the variable: a flag shows in the process list)
  --no-test-trace      Do not send the test trace
  --timeout-ms N       Deadline of each check, in ms (default ${DEFAULT_CHECK_TIMEOUT_MS})
  --json               Print the report as one JSON object
  --help               Show this help

Exit codes: 0 no problem found (warnings allowed); 1 a check failed; 2 bad usage.`;

export interface DoctorIo {
  stdout(line: string): void;
  stderr(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

type DoctorArgs = { kind: 'help' } | { kind: 'check'; options: LangfuseCheckOptions; json: boolean };

function parseDoctorArgs(argv: readonly string[]): DoctorArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      'base-url': { type: 'string' },
      'public-key': { type: 'string' },
      'secret-key': { type: 'string' },
      'no-test-trace': { type: 'boolean', default: false },
      'timeout-ms': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { kind: 'help' };
  const timeout = values['timeout-ms'];
  const checkTimeoutMs = timeout === undefined ? undefined : Number(timeout);
  if (checkTimeoutMs !== undefined && (!/^\d+$/.test(timeout!.trim()) || checkTimeoutMs < 1 || checkTimeoutMs > 600_000)) {
    throw new Error(`--timeout-ms must be an integer in 1..600000 (got ${JSON.stringify(timeout!.slice(0, 40))})`);
  }
  const options: LangfuseCheckOptions = {
    ...(values['base-url'] !== undefined && { baseUrl: values['base-url'] }),
    ...(values['public-key'] !== undefined && { publicKey: values['public-key'] }),
    ...(values['secret-key'] !== undefined && { secretKey: values['secret-key'] }),
    ...(checkTimeoutMs !== undefined && { checkTimeoutMs }),
    sendTestTrace: values['no-test-trace'] !== true,
  };
  return { kind: 'check', options, json: values.json === true };
}

/** The doctor command. Returns the exit code (0 no problem, 1 a check failed, 2 bad usage). Never throws; never prints a key. */
export async function runDoctorCli(argv: readonly string[], io: DoctorIo): Promise<number> {
  let args: DoctorArgs;
  try {
    args = parseDoctorArgs(argv);
  } catch (error) {
    // Node's message quotes the offending argument; a stray value (a key typed without its flag) must not be echoed.
    const message = (error instanceof Error ? error.message : describeError(error)).replace(/'([^'-][^']*)'/g, "'…'");
    io.stderr(`doctor: ${message}`);
    io.stderr(`Run ${DOCTOR_COMMAND} --help for usage.`);
    return 2;
  }
  if (args.kind === 'help') {
    io.stdout(DOCTOR_HELP);
    return 0;
  }
  const report = await checkLangfuse(args.options, io.env);
  io.stdout(args.json ? JSON.stringify(report) : formatCheckReport(report));
  return report.ok ? 0 : 1;
}
