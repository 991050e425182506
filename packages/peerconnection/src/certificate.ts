/**
 * RTCCertificate (webrtc-pc §4.9): the DTLS identity of a connection, made by the static
 * RTCPeerConnection.generateCertificate. ECDSA P-256 (what browsers default to) and RSA 2048
 * (RSASSA-PKCS1-v1_5) are supported; other algorithms reject with NotSupportedError.
 */
import { type DtlsCertificate, generateCertificate as generateDtlsCertificate } from '@purertc/dtls';
import { notSupported } from './errors.js';

export interface RTCDtlsFingerprint {
  readonly algorithm: string;
  readonly value: string;
}

/** Browsers cap `expires` at 365 days (§4.9.1). */
const MAX_EXPIRES = 365 * 24 * 3600 * 1000;
const DEFAULT_EXPIRES = 30 * 24 * 3600 * 1000;

export type AlgorithmIdentifier =
  | string
  | {
      readonly name: string;
      readonly namedCurve?: string;
      readonly modulusLength?: number;
      readonly hash?: string | { readonly name: string };
      readonly expires?: number;
    };

export class RTCCertificate {
  /** The certificate and key the DTLS layer uses. */
  readonly #dtls: DtlsCertificate;

  private constructor(dtls: DtlsCertificate) {
    this.#dtls = dtls;
  }

  /** Milliseconds since the epoch after which the certificate is no longer valid. */
  get expires(): number {
    return this.#dtls.notAfter.getTime();
  }

  getFingerprints(): RTCDtlsFingerprint[] {
    const sp = this.#dtls.fingerprint.indexOf(' ');
    // §4.9.2: lowercase hex (SDP's a=fingerprint keeps the upper case of RFC 8122).
    return [
      {
        algorithm: this.#dtls.fingerprint.slice(0, sp),
        value: this.#dtls.fingerprint.slice(sp + 1).toLowerCase(),
      },
    ];
  }

  /** @internal the DTLS credential. */
  static dtlsOf(certificate: RTCCertificate): DtlsCertificate {
    return certificate.#dtls;
  }

  static async generate(algorithm: AlgorithmIdentifier): Promise<RTCCertificate> {
    const spec = typeof algorithm === 'string' ? { name: algorithm } : algorithm;
    const name = String(spec?.name ?? '').toUpperCase();
    let keyType: 'ecdsa-p256' | 'rsa-2048';
    if (name === 'ECDSA' && (spec.namedCurve === undefined || spec.namedCurve === 'P-256'))
      keyType = 'ecdsa-p256';
    else if (name === 'RSASSA-PKCS1-V1_5' && (spec.modulusLength ?? 2048) === 2048) keyType = 'rsa-2048';
    else throw notSupported(`unsupported certificate algorithm ${JSON.stringify(algorithm)}`);
    const expires = Math.min(
      typeof spec.expires === 'number' && spec.expires >= 0 ? spec.expires : DEFAULT_EXPIRES,
      MAX_EXPIRES,
    );
    const now = Date.now();
    const dtls = await generateDtlsCertificate({
      keyType,
      notBefore: new Date(now - 24 * 3600 * 1000),
      notAfter: new Date(now + expires),
    });
    return new RTCCertificate(dtls);
  }
}
