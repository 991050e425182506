/**
 * ClientKeyExchange for ECDHE (RFC 8422 §5.7):
 *
 *   struct { opaque point<1..2^8-1>; } ClientECDiffieHellmanPublic;   // ecdh_Yc
 *
 * The client's ephemeral public value on the group the server chose. (The implicit form for
 * fixed-ECDH client certificates is not supported, so the point is never empty.)
 */
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';

export interface ClientKeyExchange {
  readonly publicKey: Uint8Array;
}

export function encodeClientKeyExchange(message: ClientKeyExchange): Uint8Array {
  if (message.publicKey.length === 0) throw new RangeError('empty ECDH public value');
  return new ByteWriter(1 + message.publicKey.length).vector(1, message.publicKey).finish();
}

export function decodeClientKeyExchange(body: Uint8Array): ClientKeyExchange {
  const r = new ByteReader(body);
  const publicKey = r.vector(1, 'client_key_exchange.point', 1, 255);
  r.end('client_key_exchange');
  return { publicKey };
}
