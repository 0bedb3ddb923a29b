import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from './errors';

/** The lock file a run holds in its `--out` directory. */
export const LOCK_FILE = '.ctr-run.lock';

/** What a run writes at the top of `--out`: the only entries `--replace` will delete. */
const RUN_ENTRIES = new Set(['ctr', 'backup', 'quarantine', 'failures', 'firehose-errors', LOCK_FILE]);

/** An output directory held by this process until `release`. */
export interface OutDir {
  readonly path: string;
  release(): void;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function takeLock(dir: string): void {
  const lock = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new CliError(
          `another ctr run (process ${holder}) is writing to --out ${dir}: wait for it to finish, or choose another directory`,
        );
      }
      // Left by a run that did not end cleanly: take it over.
      rmSync(lock, { force: true });
    }
  }
  throw new CliError(`cannot lock --out ${dir}: another run keeps taking it; choose another directory`);
}

/**
 * `mkdir -p`, one level at a time. Node's recursive mkdir loops forever on some paths (`/proc/x`), which
 * made a bad `--out` hang; this fails with the first level that cannot be made.
 */
function makeDirectories(path: string): void {
  try {
    if (statSync(path).isDirectory()) return;
    throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const parent = dirname(path);
  if (parent !== path) makeDirectories(parent);
  mkdirSync(path);
}

/**
 * Checks and takes `--out` before anything runs: it must be a directory that can be written, empty (or,
 * with `replace`, holding only a previous run's output, which is deleted), and not in use by another run
 * (a lock file with the holder's process id). Never merges two runs into one directory.
 * @throws CliError in words, with what to do.
 */
export function claimOutDir(path: string, replace: boolean): OutDir {
  try {
    makeDirectories(path);
    takeLock(path);
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'it is a file, or a part of its path is'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'permission denied'
          : 'it cannot be created or written there';
    throw new CliError(`cannot use --out ${path} (${why}): choose a directory you can write to`);
  }
  const release = () => rmSync(join(path, LOCK_FILE), { force: true });
  const existing = readdirSync(path).filter((name) => name !== LOCK_FILE);
  if (existing.length > 0) {
    if (!replace) {
      release();
      throw new CliError(
        `--out ${path} is not empty (an earlier run's output?): choose a new directory, or add --replace to delete the earlier output first`,
      );
    }
    const foreign = existing.filter((name) => !RUN_ENTRIES.has(name));
    if (foreign.length > 0) {
      release();
      throw new CliError(
        `--out ${path} holds files ctr did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}): --replace deletes only a run's output; choose another directory`,
      );
    }
    for (const name of existing) rmSync(join(path, name), { recursive: true, force: true });
  }
  return { path, release };
}
