/**
 * ServerKeyExchange for ECDHE_ECDSA and ECDHE_RSA (RFC 8422 §5.4, TLS 1.2 signature form of
 * RFC 5246 §7.4.3):
 *
 *   struct {
 *     ECCurveType curve_type;          // 3 = named_curve; explicit curves are not allowed (RFC 8422 §5.4)
 *     NamedCurve namedcurve;           // uint16, e.g. x25519 0x001d, secp256r1 0x0017
 *   } ECParameters;
 *   struct { ECParameters curve_params; opaque point<1..2^8-1>; } ServerECDHParams;
 *   struct {
 *     ServerECDHParams params;
 *     SignatureAndHashAlgorithm algorithm;      // uint16 SignatureScheme
 *     opaque signature<0..2^16-1>;
 *   } ServerKeyExchange;
 *
 * The signature covers client_random + server_random + ServerECDHParams
 * ({@link serverKeyExchangeSignedData}).
 */
import { EcCurveType, RANDOM_LENGTH } from '../constants.js';
import { DtlsParseError } from '../errors.js';
import { ByteReader } from '../reader.js';
import { ByteWriter } from '../writer.js';

export interface ServerKeyExchange {
  readonly namedGroup: number;
  /** The server's ephemeral public value (32 bytes X25519, 65 bytes uncompressed P-256). */
  readonly publicKey: Uint8Array;
  readonly signatureScheme: number;
  readonly signature: Uint8Array;
}

function writeParams(w: ByteWriter, namedGroup: number, publicKey: Uint8Array): void {
  if (publicKey.length === 0) throw new RangeError('empty ECDH public value');
  w.u8(EcCurveType.named_curve).u16(namedGroup).vector(1, publicKey);
}

/** ServerECDHParams bytes (curve_type, namedcurve, point). */
export function encodeServerEcdhParams(namedGroup: number, publicKey: Uint8Array): Uint8Array {
  const w = new ByteWriter(4 + publicKey.length);
  writeParams(w, namedGroup, publicKey);
  return w.finish();
}

/** The bytes the server signs: client_random + server_random + ServerECDHParams (RFC 8422 §5.4). */
export function serverKeyExchangeSignedData(
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  namedGroup: number,
  publicKey: Uint8Array,
): Uint8Array {
  if (clientRandom.length !== RANDOM_LENGTH || serverRandom.length !== RANDOM_LENGTH) {
    throw new RangeError(`randoms must be ${RANDOM_LENGTH} bytes`);
  }
  const w = new ByteWriter(2 * RANDOM_LENGTH + 4 + publicKey.length);
  w.bytes(clientRandom).bytes(serverRandom);
  writeParams(w, namedGroup, publicKey);
  return w.finish();
}

export function encodeServerKeyExchange(message: ServerKeyExchange): Uint8Array {
  const w = new ByteWriter(8 + message.publicKey.length + message.signature.length);
  writeParams(w, message.namedGroup, message.publicKey);
  w.u16(message.signatureScheme).vector(2, message.signature);
  return w.finish();
}

export function decodeServerKeyExchange(body: Uint8Array): ServerKeyExchange {
  const r = new ByteReader(body);
  const curveType = r.u8('server_key_exchange.curve_type');
  if (curveType !== EcCurveType.named_curve) {
    throw new DtlsParseError(
      'BAD_VALUE',
      'server_key_exchange.curve_type',
      0,
      `curve_type ${curveType}, expected named_curve`,
    );
  }
  const namedGroup = r.u16('server_key_exchange.namedcurve');
  const publicKey = r.vector(1, 'server_key_exchange.point', 1, 255);
  const signatureScheme = r.u16('server_key_exchange.algorithm');
  const signature = r.vector(2, 'server_key_exchange.signature', 0, 0xffff);
  r.end('server_key_exchange');
  return { namedGroup, publicKey, signatureScheme, signature };
}
