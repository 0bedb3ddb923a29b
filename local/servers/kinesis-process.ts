// Entry point of the child process that `startKinesisProcess` forks: kinesalite on a port of its own, so that
// its CPU (JSON, base64, LevelDB) runs beside the handler's instead of on the same thread.
import { readBodiesOnce, useFastSequenceNumbers } from './kinesalite-fast-paths';
import { startKinesis } from './kinesis';
import { limitLevelDbOpenTables } from './leveldb-open-tables';

// The parent's IPC channel closes when it exits, even when killed: the server must not outlive it.
process.on('disconnect', () => process.exit(0));
// Its LevelDB's mapped tables were most of its memory in big runs (docs/scale.md).
limitLevelDbOpenTables();
// kinesalite's own costs per record: sequence numbers and request bodies (docs/scale.md, fifth round).
useFastSequenceNumbers();
startKinesis(process.argv[2] || undefined, readBodiesOnce).then(
  ({ endpoint }) => process.send?.({ endpoint }),
  (err: unknown) => {
    process.stderr.write(`kinesalite could not start: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
