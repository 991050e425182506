/**
 * DCEP messages (RFC 8832 §5): DATA_CHANNEL_OPEN announces a channel on the stream it is sent
 * on, DATA_CHANNEL_ACK confirms it.
 *
 *   OPEN: type 0x03 | channel type | priority (16) | reliability parameter (32)
 *         | label length (16) | protocol length (16) | label | protocol       (lengths in bytes, UTF-8)
 *   ACK:  type 0x02
 */
import { readU16, readU32, writeU16, writeU32 } from '../bytes.js';
import { SctpParseError } from '../errors.js';

export const DcepType = { Ack: 0x02, Open: 0x03 } as const;

/** RFC 8832 §5.1. The 0x80 bit means unordered. */
export const ChannelType = {
  Reliable: 0x00,
  ReliableUnordered: 0x80,
  PartialReliableRexmit: 0x01,
  PartialReliableRexmitUnordered: 0x81,
  PartialReliableTimed: 0x02,
  PartialReliableTimedUnordered: 0x82,
} as const;

export const UNORDERED_BIT = 0x80;

/** RFC 8832 §5.1 priorities (the W3C levels map onto these). */
export const Priority = { BelowNormal: 128, Normal: 256, High: 512, ExtraHigh: 1024 } as const;

export interface DataChannelOpen {
  readonly type: typeof DcepType.Open;
  readonly channelType: number;
  readonly priority: number;
  /** Retransmissions (REXMIT types) or lifetime in ms (TIMED types); ignored for reliable ones. */
  readonly reliability: number;
  readonly label: string;
  readonly protocol: string;
}

export interface DataChannelAck {
  readonly type: typeof DcepType.Ack;
}

export type DcepMessage = DataChannelOpen | DataChannelAck;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeDataChannelOpen(o: Omit<DataChannelOpen, 'type'>): Uint8Array {
  const label = encoder.encode(o.label);
  const protocol = encoder.encode(o.protocol);
  if (label.length > 0xffff || protocol.length > 0xffff) {
    throw new RangeError('label and protocol are limited to 65535 UTF-8 bytes');
  }
  const b = new Uint8Array(12 + label.length + protocol.length);
  b[0] = DcepType.Open;
  b[1] = o.channelType;
  writeU16(b, 2, o.priority);
  writeU32(b, 4, o.reliability);
  writeU16(b, 8, label.length);
  writeU16(b, 10, protocol.length);
  b.set(label, 12);
  b.set(protocol, 12 + label.length);
  return b;
}

export function encodeDataChannelAck(): Uint8Array {
  return Uint8Array.of(DcepType.Ack);
}

const KNOWN_CHANNEL_TYPES = new Set<number>(Object.values(ChannelType));

export function decodeDcep(b: Uint8Array): DcepMessage {
  if (b.length < 1) throw new SctpParseError('TRUNCATED', 'DCEP message type', 0, 'empty message');
  const type = b[0] as number;
  if (type === DcepType.Ack) return { type: DcepType.Ack };
  if (type !== DcepType.Open) {
    throw new SctpParseError('BAD_DCEP', 'DCEP message type', 0, `unknown type 0x${type.toString(16)}`);
  }
  if (b.length < 12) throw new SctpParseError('TRUNCATED', 'DATA_CHANNEL_OPEN', 0, `${b.length} bytes`);
  const channelType = b[1] as number;
  if (!KNOWN_CHANNEL_TYPES.has(channelType)) {
    throw new SctpParseError('BAD_DCEP', 'channel type', 1, `unknown 0x${channelType.toString(16)}`);
  }
  const labelLength = readU16(b, 8);
  const protocolLength = readU16(b, 10);
  if (12 + labelLength + protocolLength !== b.length) {
    throw new SctpParseError(
      'BAD_LENGTH',
      'DATA_CHANNEL_OPEN lengths',
      8,
      `label ${labelLength} + protocol ${protocolLength} bytes do not match a ${b.length}-byte message`,
    );
  }
  let label: string;
  let protocol: string;
  try {
    label = decoder.decode(b.subarray(12, 12 + labelLength));
    protocol = decoder.decode(b.subarray(12 + labelLength));
  } catch {
    throw new SctpParseError('BAD_DCEP', 'DATA_CHANNEL_OPEN label/protocol', 12, 'not UTF-8');
  }
  return {
    type: DcepType.Open,
    channelType,
    priority: readU16(b, 2),
    reliability: readU32(b, 4),
    label,
    protocol,
  };
}
