import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SqlFileError } from './errors';

/** A view or named query read from its `.sql` file. */
export interface SqlDefinition {
  /** File name without `.sql`: the view's or named query's name. */
  readonly name: string;
  /** The file's leading `--` comment lines, joined: the description shown in Athena and by `ctr query --list`. */
  readonly description: string;
  /** The statement after the comment, byte for byte what Athena and DuckDB run. */
  readonly sql: string;
}

/**
 * Reads a `.sql` file: leading `-- ` lines are its description, the rest is one SELECT statement.
 * The stack (at synth) and the local engine both read these files, so the SQL cannot drift.
 */
export function readSqlFile(path: string): SqlDefinition {
  const lines = readFileSync(path, 'utf8').split('\n');
  const header: string[] = [];
  while (lines.length > 0 && lines[0].startsWith('--')) header.push(lines.shift()!.replace(/^--\s?/, ''));
  const sql = lines.join('\n').trim();
  if (header.length === 0) throw new SqlFileError(`${path}: no leading "-- description" line`);
  if (!/^(SELECT|WITH)\b/i.test(sql))
    throw new SqlFileError(`${path}: expected one SELECT statement after the description`);
  return { name: basename(path, '.sql'), description: header.join(' '), sql };
}
