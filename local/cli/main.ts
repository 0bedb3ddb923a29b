// The `ctr` command line: a table of subcommands, each loaded only when it runs, so that `--help` and
// `--version` start without the SDK, DuckDB or aws-cdk-lib.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, EXIT, UsageError } from './errors';

export { UsageError } from './errors';

/** A subcommand's module: runs with its arguments and resolves to the exit code. */
export interface Command {
  run(argv: readonly string[]): Promise<number>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
/** Every subcommand: its one-line summary and its module. Adding a command is one line here. */
const COMMANDS: Readonly<Record<string, { readonly summary: string; readonly load: () => Command }>> = {
  local: {
    summary: 'Run the pipeline on this machine against local servers (no AWS account needed)',
    load: () => require('./commands/local'),
  },
  query: {
    summary: 'Run a named analytics query locally (DuckDB over "ctr local --out DIR") or on Athena',
    load: () => require('./commands/query'),
  },
  replay: {
    summary: 'Send CTRs from files or an S3 prefix into a deployed stream (backfill, migration)',
    load: () => require('./commands/replay'),
  },
  report: {
    summary: 'Write an HTML report with charts of the named queries (locally or on Athena)',
    load: () => ({ run: require('./report').reportCommand }),
  },
  doctor: {
    summary: 'Prove a deployed stack works end to end in your AWS account (run once after "cdk deploy")',
    load: () => ({ run: require('./doctor').doctorCommand }),
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

const mainHelp = () => `Usage: ctr <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)}  ${c.summary}`)
  .join('\n')}

Options:
  -h, --help     Show help. "ctr <command> --help" shows a command's options.
  -V, --version  Show the version.

Exit codes: 0 done, 1 error, 2 usage error, 3 --verify found a problem, 4 the input held no records,
130 stopped by Ctrl-C.
`;

/** The package version, read from package.json (not imported, so nothing else loads). */
export function version(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help') {
      process.stdout.write(mainHelp());
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (command === '-V' || command === '--version') {
      process.stdout.write(`ctr ${version()}\n`);
      return EXIT.ok;
    }
    const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!entry) throw new UsageError(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return await entry.load().run(rest);
  } catch (err) {
    const { exitCode, message } = describeError(err);
    process.stderr.write(`ctr: ${message}\n`);
    // With --json, stdout still carries exactly one JSON object.
    if (rest.includes('--json')) process.stdout.write(`${JSON.stringify({ error: message, exitCode })}\n`);
    return exitCode;
  }
}
