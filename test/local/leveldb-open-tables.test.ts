import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LEVELDB_MAX_FILE_SIZE,
  LEVELDB_MAX_OPEN_FILES,
  limitLevelDbOpenTables,
} from '../../local/servers/leveldb-open-tables';

// leveldown and levelup ship no types; this is the part used here.
type Open = (options: Record<string, unknown>, callback: (err?: Error) => void) => void;
interface LevelDown {
  (location: string): unknown;
  prototype: { _open: Open };
}
type Database = { put(k: string, v: string): Promise<void>; get(k: string): Promise<Buffer>; close(): Promise<void> };
/* eslint-disable @typescript-eslint/no-require-imports */
const leveldown = require('leveldown') as LevelDown;
const levelup = require('levelup') as (store: unknown, options?: Record<string, unknown>) => Database;
/* eslint-enable @typescript-eslint/no-require-imports */

describe('limitLevelDbOpenTables', () => {
  let dir: string;
  const seen: Record<string, unknown>[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctr-leveldb-'));
    // Records what reaches LevelDB's binding (this test file has its own copy of the module).
    const open = leveldown.prototype._open;
    leveldown.prototype._open = function (options, callback) {
      seen.push(options);
      open.call(this, options, callback);
    };
    limitLevelDbOpenTables();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a database that sets no limit (as kinesalite does) with the small table cache, and it works', async () => {
    const db = levelup(leveldown(join(dir, 'a')));
    await db.put('k', 'v');
    expect((await db.get('k')).toString()).toBe('v');
    await db.close();
    expect(seen.at(-1)).toMatchObject({ maxOpenFiles: LEVELDB_MAX_OPEN_FILES, maxFileSize: LEVELDB_MAX_FILE_SIZE });
  });

  it("keeps an opener's own limit", async () => {
    const db = levelup(leveldown(join(dir, 'b')), { maxOpenFiles: 500, maxFileSize: 4 << 20 });
    await db.put('k', 'v');
    await db.close();
    expect(seen.at(-1)).toMatchObject({ maxOpenFiles: 500, maxFileSize: 4 << 20 });
  });
});
