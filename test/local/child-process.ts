import { readdirSync, readFileSync } from 'node:fs';

/**
 * The command line and environment of this process's child whose command line has an argument containing
 * `name`, or that `name` accepts (Linux's /proc).
 */
export function childProcess(name: string | ((argv: string[]) => boolean)): {
  argv: string[];
  env: Record<string, string>;
} {
  const matches = typeof name === 'string' ? (argv: string[]) => argv.some((arg) => arg.includes(name)) : name;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const parent = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1];
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (Number(parent) !== process.pid || !matches(argv)) continue;
      const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      return {
        argv,
        env: Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])),
      };
    } catch {
      // The process ended while we looked.
    }
  }
  throw new Error(`no child process running ${typeof name === 'string' ? name : 'the command line asked for'}`);
}
