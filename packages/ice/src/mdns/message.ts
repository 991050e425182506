/**
 * DNS messages (RFC 1035 §4.1) as Multicast DNS uses them (RFC 6762 §18), decoded from a
 * datagram. The header keeps its flags word raw (see DnsFlag, opcodeOf, rcodeOf) so that a
 * message re-encodes as it came; the top bit of a class is split off as RFC 6762 gives it a
 * meaning of its own (QU in questions, cache-flush in records).
 *
 * A and AAAA records carry their address as text; every other type keeps its RDATA raw. Names
 * inside RDATA (PTR, SRV, NSEC) are not decoded: they may use compression pointers into the
 * message, so a caller that needs them reads them with `readName` on the whole datagram at
 * `dataOffset`.
 */
import { formatIp } from '@purertc/stun';
import { MdnsParseError } from '../errors.js';
import { CLASS_TOP_BIT, DnsType, HEADER_LENGTH, MAX_MESSAGE_SIZE } from './constants.js';
import { readName } from './name.js';

export interface DnsQuestion {
  readonly name: string;
  readonly type: number;
  /** QCLASS without its top bit (usually DnsClass.IN). */
  readonly class: number;
  /** The QU bit (RFC 6762 §5.4): the querier asks for a unicast response. */
  readonly unicastResponse: boolean;
}

export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  /** CLASS without its top bit (usually DnsClass.IN). */
  readonly class: number;
  /** The cache-flush bit (RFC 6762 §10.2): this record replaces what caches hold for its name and type. */
  readonly cacheFlush: boolean;
  /** Seconds; RFC 2181 §8 values with the top bit set are read as 0. */
  readonly ttl: number;
  /** RDATA as on the wire; decoded records give a view into the datagram (copy it to keep it). */
  readonly data: Uint8Array;
  /** For A and AAAA records, the address in text form (RFC 1035 §3.4.1, RFC 3596 §2.2). */
  readonly address?: string;
  /** Where RDATA began in the decoded datagram (for names inside it); absent on records built by hand. */
  readonly dataOffset?: number;
}

export interface DnsMessage {
  /** 0 in multicast queries and responses (RFC 6762 §18.1); echoed in legacy unicast replies (§6.7). */
  readonly id: number;
  /** The raw flags word: QR, OPCODE, AA, TC, RD, RA, Z, AD, CD, RCODE (RFC 1035 §4.1.1). */
  readonly flags: number;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
}

export interface DnsDecodeOptions {
  /** Cap on the question count (default 32): a count the decoder refuses to work through. */
  readonly maxQuestions?: number;
  /** Cap on answers + authorities + additionals together (default 128). */
  readonly maxRecords?: number;
}

export const DEFAULT_MAX_QUESTIONS = 32;
export const DEFAULT_MAX_RECORDS = 128;

/** Whether the flags word says response (QR = 1). */
export function isResponse(message: Pick<DnsMessage, 'flags'>): boolean {
  return (message.flags & 0x8000) !== 0;
}

/**
 * Decodes a whole DNS message. Throws only {@link MdnsParseError}. Bytes after the last record
 * are ignored (RFC 1035 gives them no meaning and real stacks do not send them).
 */
export function decodeDnsMessage(bytes: Uint8Array, options: DnsDecodeOptions = {}): DnsMessage {
  if (bytes.length > MAX_MESSAGE_SIZE) {
    throw new MdnsParseError('TOO_LARGE', 'message', 0, `${bytes.length} bytes exceeds ${MAX_MESSAGE_SIZE}`);
  }
  if (bytes.length < HEADER_LENGTH) {
    throw new MdnsParseError('TRUNCATED', 'header', 0, `${bytes.length} bytes is shorter than the header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const qdcount = view.getUint16(4);
  const ancount = view.getUint16(6);
  const nscount = view.getUint16(8);
  const arcount = view.getUint16(10);
  const maxQuestions = options.maxQuestions ?? DEFAULT_MAX_QUESTIONS;
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  // Refuse absurd counts before doing any work for them: the counts are 16-bit and free to lie.
  if (qdcount > maxQuestions) {
    throw new MdnsParseError(
      'TOO_MANY_RECORDS',
      'qdcount',
      4,
      `${qdcount} questions exceeds ${maxQuestions}`,
    );
  }
  if (ancount + nscount + arcount > maxRecords) {
    throw new MdnsParseError(
      'TOO_MANY_RECORDS',
      'ancount',
      6,
      `${ancount + nscount + arcount} records exceeds ${maxRecords}`,
    );
  }

  let pos = HEADER_LENGTH;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qdcount; i++) {
    const field = `question[${i}]`;
    const { name, end } = readName(bytes, pos, `${field}.name`);
    if (end + 4 > bytes.length) throw new MdnsParseError('TRUNCATED', field, end, 'QTYPE/QCLASS cut short');
    const rawClass = view.getUint16(end + 2);
    questions.push({
      name,
      type: view.getUint16(end),
      class: rawClass & ~CLASS_TOP_BIT,
      unicastResponse: (rawClass & CLASS_TOP_BIT) !== 0,
    });
    pos = end + 4;
  }

  const sections: DnsRecord[][] = [[], [], []];
  const counts = [ancount, nscount, arcount];
  const names = ['answer', 'authority', 'additional'];
  for (let s = 0; s < 3; s++) {
    const out = sections[s] as DnsRecord[];
    for (let i = 0; i < (counts[s] as number); i++) {
      const field = `${names[s]}[${i}]`;
      const record = readRecord(bytes, view, pos, field);
      out.push(record.record);
      pos = record.end;
    }
  }
  return {
    id: view.getUint16(0),
    flags: view.getUint16(2),
    questions,
    answers: sections[0] as DnsRecord[],
    authorities: sections[1] as DnsRecord[],
    additionals: sections[2] as DnsRecord[],
  };
}

/** One resource record (RFC 1035 §4.1.3) at `offset`. */
function readRecord(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  field: string,
): { record: DnsRecord; end: number } {
  const { name, end } = readName(bytes, offset, `${field}.name`);
  if (end + 10 > bytes.length) throw new MdnsParseError('TRUNCATED', field, end, 'record header cut short');
  const type = view.getUint16(end);
  const rawClass = view.getUint16(end + 2);
  const rawTtl = view.getUint32(end + 4);
  const rdlength = view.getUint16(end + 8);
  const dataOffset = end + 10;
  if (dataOffset + rdlength > bytes.length) {
    throw new MdnsParseError(
      'TRUNCATED',
      `${field}.rdata`,
      dataOffset,
      `RDATA of ${rdlength} bytes runs past the end`,
    );
  }
  const data = bytes.subarray(dataOffset, dataOffset + rdlength);
  const base = {
    name,
    type,
    class: rawClass & ~CLASS_TOP_BIT,
    cacheFlush: (rawClass & CLASS_TOP_BIT) !== 0,
    // RFC 2181 §8: a TTL with the most significant bit set is to be treated as zero.
    ttl: rawTtl > 0x7fffffff ? 0 : rawTtl,
    data,
    dataOffset,
  };
  let record: DnsRecord = base;
  if (type === DnsType.A || type === DnsType.AAAA) {
    const want = type === DnsType.A ? 4 : 16;
    if (rdlength !== want) {
      throw new MdnsParseError(
        'BAD_RDATA',
        `${field}.rdata`,
        dataOffset,
        `${rdlength} bytes, expected ${want}`,
      );
    }
    record = { ...base, address: formatIp(data) };
  }
  return { record, end: dataOffset + rdlength };
}

/**
 * Decodes a datagram for an engine's `handleInput`: a malformed one is counted in
 * `stats.malformed` and yields undefined (network input never throws, design.md).
 */
export function decodeOrCount(datagram: Uint8Array, stats: { malformed: number }): DnsMessage | undefined {
  try {
    return decodeDnsMessage(datagram);
  } catch (err) {
    if (!(err instanceof MdnsParseError)) throw err;
    stats.malformed++;
    return undefined;
  }
}
