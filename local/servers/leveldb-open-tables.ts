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
 * The size LevelDB cuts its tables at (`max_file_size`; leveldown's default is 2 MiB). The 64 cached tables can
 * keep 64 times this resident, so smaller tables keep less of the stream mapped (docs/scale.md, fifth round).
 */
export const LEVELDB_MAX_FILE_SIZE = 512 * 1024;

/** Options of {@link limitLevelDbOpenTables}. */
export interface LevelDbTableLimits {
  /** @default LEVELDB_MAX_OPEN_FILES */
  readonly maxOpenFiles?: number;
  /** @default LEVELDB_MAX_FILE_SIZE */
  readonly maxFileSize?: number;
}

/**
 * Makes every leveldown database opened after this call keep at most `maxOpenFiles` files open, each at most
 * `maxFileSize` bytes, unless its opener says otherwise. A patch because kinesalite opens its LevelDB with no
 * options and takes none; call it only in a process whose every LevelDB should be limited (the Kinesis server's
 * own process).
 */
export function limitLevelDbOpenTables({
  maxOpenFiles = LEVELDB_MAX_OPEN_FILES,
  maxFileSize = LEVELDB_MAX_FILE_SIZE,
}: LevelDbTableLimits = {}): void {
  const proto = (require('leveldown') as { prototype: LevelDownPrototype }).prototype;
  const open = proto._open;
  proto._open = function (options, callback) {
    open.call(this, { maxOpenFiles, maxFileSize, ...options }, callback);
  };
}
