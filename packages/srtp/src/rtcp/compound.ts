/**
 * Compound RTCP packets (RFC 3550 §6.1): several RTCP packets back to back in one datagram, each
 * with its own header and length. Decoding walks them and dispatches on PT (and FMT for feedback);
 * types and formats we do not know come back as {@link RawRtcpPacket}.
 *
 * Reduced-size RTCP (RFC 5506) is accepted: a datagram may hold a single packet of any type, the
 * first packet need not be an SR or RR, and no SDES CNAME is required. What is checked is the
 * framing of RFC 3550 Appendix A.2: version 2, lengths that add up exactly to the datagram, and
 * padding counts that fit.
 */
import { readU16 } from '../bytes.js';
import { RtcpParseError } from '../errors.js';
import {
  type ApplicationDefined,
  applicationDefinedLength,
  decodeApplicationDefined,
  writeApplicationDefined,
} from './app.js';
import { decodeGoodbye, type Goodbye, goodbyeLength, writeGoodbye } from './bye.js';
import {
  decodeFullIntraRequest,
  type FullIntraRequest,
  fullIntraRequestLength,
  writeFullIntraRequest,
} from './fir.js';
import { PsfbFormat, RTCP_HEADER_LENGTH, type RtcpBody, RtcpPacketType, RtpfbFormat } from './header.js';
import { decodeGenericNack, type GenericNack, genericNackLength, writeGenericNack } from './nack.js';
import {
  decodePictureLossIndication,
  type PictureLossIndication,
  pictureLossIndicationLength,
  writePictureLossIndication,
} from './pli.js';
import { decodeRawRtcpPacket, type RawRtcpPacket, rawRtcpPacketLength, writeRawRtcpPacket } from './raw.js';
import { decodeRemb, isRemb, type Remb, rembLength, writeRemb } from './remb.js';
import {
  decodeReceiverReport,
  type ReceiverReport,
  receiverReportLength,
  writeReceiverReport,
} from './rr.js';
import {
  decodeSourceDescription,
  type SourceDescription,
  sourceDescriptionLength,
  writeSourceDescription,
} from './sdes.js';
import { decodeSenderReport, type SenderReport, senderReportLength, writeSenderReport } from './sr.js';
import { decodeTransportCc, type TransportCc, transportCcLength, writeTransportCc } from './twcc.js';

export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | ApplicationDefined
  | GenericNack
  | TransportCc
  | PictureLossIndication
  | FullIntraRequest
  | Remb
  | RawRtcpPacket;

/** Cap on packets in one compound datagram (each is at least 4 bytes). */
export const MAX_RTCP_PACKETS = 256;

/**
 * True when `b` looks like RTCP rather than RTP on a muxed port (RFC 5761 §4): version 2 and a
 * second byte of 192..223 (PT 64..95 with the marker bit set, which RTP must not use).
 */
export function isRtcpPacket(b: Uint8Array): boolean {
  return (
    b.length >= RTCP_HEADER_LENGTH &&
    (b[0] as number) >> 6 === 2 &&
    (b[1] as number) >= 192 &&
    (b[1] as number) <= 223
  );
}

function decodeOne(body: RtcpBody): RtcpPacket {
  switch (body.packetType) {
    case RtcpPacketType.SR:
      return decodeSenderReport(body);
    case RtcpPacketType.RR:
      return decodeReceiverReport(body);
    case RtcpPacketType.SDES:
      return decodeSourceDescription(body);
    case RtcpPacketType.BYE:
      return decodeGoodbye(body);
    case RtcpPacketType.APP:
      return decodeApplicationDefined(body);
    case RtcpPacketType.RTPFB:
      if (body.count === RtpfbFormat.NACK) return decodeGenericNack(body);
      if (body.count === RtpfbFormat.TWCC) return decodeTransportCc(body);
      return decodeRawRtcpPacket(body);
    case RtcpPacketType.PSFB:
      if (body.count === PsfbFormat.PLI) return decodePictureLossIndication(body);
      if (body.count === PsfbFormat.FIR) return decodeFullIntraRequest(body);
      if (body.count === PsfbFormat.AFB && isRemb(body)) return decodeRemb(body);
      return decodeRawRtcpPacket(body);
    default:
      return decodeRawRtcpPacket(body);
  }
}

/**
 * Calls `visit` with the body of each packet in the compound `b`; throws RtcpParseError when the
 * framing is broken. Nothing is decoded beyond the headers.
 */
export function forEachRtcpBody(b: Uint8Array, visit: (body: RtcpBody, offset: number) => void): void {
  if (b.length < RTCP_HEADER_LENGTH)
    throw new RtcpParseError('TRUNCATED', 'header', 0, `${b.length} bytes, need ${RTCP_HEADER_LENGTH}`);
  let pos = 0;
  let count = 0;
  while (pos < b.length) {
    if (pos + RTCP_HEADER_LENGTH > b.length)
      throw new RtcpParseError('TRUNCATED', 'header', pos, `${b.length - pos} bytes left, need 4`);
    const first = b[pos] as number;
    if (first >> 6 !== 2)
      throw new RtcpParseError('BAD_VERSION', 'version', pos, `version ${first >> 6}, expected 2`);
    const length = (readU16(b, pos + 2) + 1) * 4;
    if (pos + length > b.length)
      throw new RtcpParseError('BAD_LENGTH', 'length', pos + 2, `${length} bytes, ${b.length - pos} left`);
    if (++count > MAX_RTCP_PACKETS)
      throw new RtcpParseError('TOO_LARGE', 'compound', pos, `more than ${MAX_RTCP_PACKETS} packets`);
    let end = pos + length;
    if (first & 0x20) {
      const padding = b[end - 1] as number;
      if (padding === 0 || padding > length - RTCP_HEADER_LENGTH)
        throw new RtcpParseError('BAD_PADDING', 'padding', end - 1, `padding count ${padding}`);
      end -= padding;
    }
    visit(
      {
        bytes: b,
        start: pos + RTCP_HEADER_LENGTH,
        end,
        count: first & 0x1f,
        packetType: b[pos + 1] as number,
      },
      pos,
    );
    pos += length;
  }
}

/** Decodes every packet of a compound (or reduced-size) RTCP datagram; throws RtcpParseError. */
export function decodeRtcp(b: Uint8Array): RtcpPacket[] {
  const packets: RtcpPacket[] = [];
  forEachRtcpBody(b, (body) => {
    packets.push(decodeOne(body));
  });
  return packets;
}

/** Bytes `p` takes on the wire. Throws RtcpEncodeError for values that do not fit. */
export function rtcpPacketLength(p: RtcpPacket): number {
  switch (p.type) {
    case 'sr':
      return senderReportLength(p);
    case 'rr':
      return receiverReportLength(p);
    case 'sdes':
      return sourceDescriptionLength(p);
    case 'bye':
      return goodbyeLength(p);
    case 'app':
      return applicationDefinedLength(p);
    case 'nack':
      return genericNackLength(p);
    case 'twcc':
      return transportCcLength(p);
    case 'pli':
      return pictureLossIndicationLength();
    case 'fir':
      return fullIntraRequestLength(p);
    case 'remb':
      return rembLength(p);
    case 'raw':
      return rawRtcpPacketLength(p);
  }
}

/** Writes `p` at `offset`; returns its length. Throws RtcpEncodeError, or RangeError when out is short. */
export function writeRtcpPacket(p: RtcpPacket, out: Uint8Array, offset: number): number {
  switch (p.type) {
    case 'sr':
      return writeSenderReport(p, out, offset);
    case 'rr':
      return writeReceiverReport(p, out, offset);
    case 'sdes':
      return writeSourceDescription(p, out, offset);
    case 'bye':
      return writeGoodbye(p, out, offset);
    case 'app':
      return writeApplicationDefined(p, out, offset);
    case 'nack':
      return writeGenericNack(p, out, offset);
    case 'twcc':
      return writeTransportCc(p, out, offset);
    case 'pli':
      return writePictureLossIndication(p, out, offset);
    case 'fir':
      return writeFullIntraRequest(p, out, offset);
    case 'remb':
      return writeRemb(p, out, offset);
    case 'raw':
      return writeRawRtcpPacket(p, out, offset);
  }
}

/** Writes the packets back to back at `offset` (a compound packet); returns the bytes written. */
export function writeRtcp(packets: readonly RtcpPacket[], out: Uint8Array, offset = 0): number {
  let pos = offset;
  for (const p of packets) pos += writeRtcpPacket(p, out, pos);
  return pos - offset;
}

/** The packets as one compound datagram in a new buffer. */
export function encodeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  let length = 0;
  for (const p of packets) length += rtcpPacketLength(p);
  const out = new Uint8Array(length);
  writeRtcp(packets, out, 0);
  return out;
}
