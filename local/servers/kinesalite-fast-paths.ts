import type { IncomingMessage, Server, ServerResponse } from 'node:http';

// Hand-written because kinesalite (unmaintained since 2021) takes no options for these. Profiled on 20,000 records,
// its bignumber.js sequence numbers and its body joining were a quarter of its process's busy time; with these
// the process used 15% less CPU (docs/scale.md, fifth round). Each fast path gives the same answer as kinesalite's
// code and falls back to that code for anything unusual.

/** kinesalite's sequence-number codec (`kinesalite/db`), the part replaced here. */
interface SequenceCodec {
  parseSequence(seq: unknown): Record<string, unknown>;
  stringifySequence(obj: Record<string, unknown>): string;
  shardIxToHex(shardIx: unknown): string;
}

const POW_2_124 = 2n ** 124n;
const POW_2_185 = 2n ** 185n;
const POW_2_185_NEXT = (2n ** 185n * 3n) / 2n;
const DECIMAL = /^\d{1,100}$/;
const HEX = /^[0-9a-f]+$/;
const pad = (text: string, width: number) => text.padStart(width, '0').slice(-width);

/**
 * kinesalite's `parseSequence` with native BigInt instead of bignumber.js, for the version-2 sequence numbers it
 * writes (called for every record put and read); anything else goes to the original.
 */
export function fastParseSequence(original: SequenceCodec['parseSequence']): SequenceCodec['parseSequence'] {
  return (seq) => {
    if (typeof seq !== 'string' || !DECIMAL.test(seq)) return original(seq);
    let seqNum = BigInt(seq);
    if (seqNum < POW_2_124) seqNum += POW_2_124;
    const hex = seqNum.toString(16);
    const version = seqNum > POW_2_185 && seqNum < POW_2_185_NEXT ? Number.parseInt(hex.slice(-1), 16) : undefined;
    if (version !== 2) return original(seq);
    const seqIxHex = hex.slice(11, 27);
    let shardIxHex = hex.slice(38, 46);
    if (Number.parseInt(seqIxHex[0], 16) > 7) throw new Error('Sequence index too high');
    if (Number.parseInt(shardIxHex[0], 16) > 7) shardIxHex = `-${shardIxHex}`;
    const shardCreateSecs = Number.parseInt(hex.slice(1, 10), 16);
    if (shardCreateSecs >= 16025175000) throw new Error(`Date too large: ${shardCreateSecs}`);
    return {
      shardCreateTime: shardCreateSecs * 1000,
      seqIx: BigInt(`0x${seqIxHex}`).toString(),
      byte1: hex.slice(27, 29),
      seqTime: Number.parseInt(hex.slice(29, 38), 16) * 1000,
      shardIx: Number.parseInt(shardIxHex, 16),
      version,
    };
  };
}

/** kinesalite's `stringifySequence` with native BigInt, for version 2 (what every put writes); else the original. */
export function fastStringifySequence(codec: SequenceCodec): SequenceCodec['stringifySequence'] {
  const original = codec.stringifySequence;
  return (obj) => {
    const seqIx = obj.seqIx || 0;
    const integral =
      (typeof seqIx === 'number' && Number.isSafeInteger(seqIx) && seqIx >= 0) ||
      (typeof seqIx === 'string' && DECIMAL.test(seqIx));
    const usual =
      (obj.version == null || obj.version === 2) && (obj.shardIx == null || typeof obj.shardIx === 'number');
    if (!usual || !integral) return original(obj);
    const createTime = Number(obj.shardCreateTime);
    const hex = [
      '2',
      pad(Math.floor(createTime / 1000).toString(16), 9),
      ((obj.shardIx as number | undefined) || 0).toString(16).slice(-1),
      pad(BigInt(seqIx as number | string).toString(16), 16),
      obj.byte1 || '00',
      pad(Math.floor(Number(obj.seqTime || createTime) / 1000).toString(16), 9),
      codec.shardIxToHex(obj.shardIx),
      '2',
    ].join('');
    return HEX.test(hex) ? BigInt(`0x${hex}`).toString() : original(obj);
  };
}

/** Replaces kinesalite's sequence-number functions (used through the module's exports) with the fast ones. */
export function useFastSequenceNumbers(codec: SequenceCodec = require('kinesalite/db')): void {
  codec.stringifySequence = fastStringifySequence(codec);
  codec.parseSequence = fastParseSequence(codec.parseSequence);
}

/**
 * Hands kinesalite each request's body as one chunk. Its handler joins chunks with one `Buffer.concat` per
 * chunk, copying a 5 MB PutRecords body about 40 times over; here the chunks are joined once, when the request
 * ends, and the handler sees one `data` event and the `end` (its size limit then applies as before).
 */
export function readBodiesOnce(server: Server): void {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    const collect = (chunk: Buffer) => chunks.push(chunk);
    req.on('data', collect);
    req.once('end', () => {
      req.off('data', collect);
      for (const handle of handlers) handle(req, res);
      if (chunks.length > 0) req.emit('data', Buffer.concat(chunks));
      req.emit('end');
    });
  });
}
