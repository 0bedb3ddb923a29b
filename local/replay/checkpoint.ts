import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { CliError } from '../cli/errors';

/** How far a replay got: the first `recordsDone` records of its input are in the stream. */
export interface Checkpoint {
  /** Identifies the replay: the stream and the inputs (names and sizes). */
  readonly key: string;
  readonly recordsDone: number;
  readonly complete: boolean;
}

/**
 * Reads a checkpoint; none when the file does not exist.
 * @throws CliError when the file belongs to another replay or cannot be read as one.
 */
export function readCheckpoint(path: string, key: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`checkpoint ${path} cannot be read: check its permissions, or choose another --checkpoint`);
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = JSON.parse(text) as Checkpoint;
  } catch {
    throw new CliError(`checkpoint ${path} is not a replay checkpoint: delete it, or choose another --checkpoint`);
  }
  if (checkpoint.key !== key) {
    throw new CliError(
      `checkpoint ${path} belongs to another replay (other inputs or stream): delete it to start over, or choose another --checkpoint`,
    );
  }
  return checkpoint;
}

/** Writes a checkpoint atomically (a new file renamed over the old), so a crash never leaves half of one. */
export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(checkpoint)}\n`);
  renameSync(temporary, path);
}
