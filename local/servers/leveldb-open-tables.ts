// leveldown ships no types; this is the part used here.
interface LevelDownPrototype {
  _open(options: Record<string, unknown>, callback: (err?: Error) => void): void;
}

/**
 * LevelDB's smallest table cache (`max_open_files`; LevelDB raises anything lower to 74, of which 64 are tables).
 * Each open table is memory-mapped and every page read stays resident while it is open: with leveldown's
 * default of 1,000 open files, a big run's stream kept hundreds of MiB of its tables resident.
 */
export const LEVELDB_MAX_OPEN_FILES = 74;

/**
 * Makes every leveldown database opened after this call keep at most `maxOpenFiles` files open, unless its
 * opener says otherwise. A patch because kinesalite opens its LevelDB with no options and takes none; call
 * it only in a process whose every LevelDB should be limited (the Kinesis server's own process).
 */
export function limitLevelDbOpenTables(maxOpenFiles = LEVELDB_MAX_OPEN_FILES): void {
  const proto = (require('leveldown') as { prototype: LevelDownPrototype }).prototype;
  const open = proto._open;
  proto._open = function (options, callback) {
    open.call(this, { maxOpenFiles, ...options }, callback);
  };
}
