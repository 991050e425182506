/**
 * m= (RFC 8866 §5.14): `<media> <port>[/<number of ports>] <proto> <fmt> ...`. Port 0 marks a
 * rejected (or, with a=bundle-only, a bundled) section (RFC 3264 §6, RFC 8843 §6).
 */
import { badValue } from '../errors.js';
import { fields, isToken, token, UINT16, uint } from '../text.js';

export interface MediaLine {
  /** `audio`, `video`, `application`, ... */
  readonly kind: string;
  readonly port: number;
  readonly portCount?: number;
  /** `UDP/TLS/RTP/SAVPF`, `UDP/DTLS/SCTP`, ... */
  readonly proto: string;
  /** Payload types for RTP protos, `webrtc-datachannel` for SCTP. */
  readonly formats: readonly string[];
}

export function parseMediaLine(value: string): MediaLine {
  const f = fields(value, 'm=');
  if (f.length < 3) badValue('m= needs <media> <port> <proto>');
  const kind = token(f[0], 'm= media');
  const portField = f[1] as string;
  const slash = portField.indexOf('/');
  const port = uint(slash === -1 ? portField : portField.slice(0, slash), UINT16, 'm= port');
  const portCount = slash === -1 ? undefined : uint(portField.slice(slash + 1), UINT16, 'm= number of ports');
  const proto = f[2] as string;
  for (const part of proto.split('/')) if (!isToken(part)) badValue(`m= proto ${JSON.stringify(proto)}`);
  const formats = f.slice(3);
  for (const fmt of formats) token(fmt, 'm= fmt');
  return portCount === undefined ? { kind, port, proto, formats } : { kind, port, portCount, proto, formats };
}

export function formatMediaLine(m: MediaLine): string {
  const port = m.portCount === undefined ? `${m.port}` : `${m.port}/${m.portCount}`;
  const head = `${m.kind} ${port} ${m.proto}`;
  return m.formats.length === 0 ? head : `${head} ${m.formats.join(' ')}`;
}

/** True for the RTP profiles WebRTC uses (RFC 8829 §5.1.2): UDP/TLS/RTP/SAVPF and relatives. */
export function isRtpProto(proto: string): boolean {
  return proto.includes('RTP/');
}

/** True for SCTP over DTLS (RFC 8841 §4.1): UDP/DTLS/SCTP, TCP/DTLS/SCTP, legacy DTLS/SCTP. */
export function isSctpProto(proto: string): boolean {
  return proto.endsWith('DTLS/SCTP');
}
