/**
 * The DTLS 1.2 client handshake (RFC 6347 §4.2.1, RFC 5246 §7.3), ECDHE with AEAD suites:
 *
 *   flight 1  ClientHello                         -->
 *             <--  HelloVerifyRequest              flight 2 (optional, stateless server)
 *   flight 3  ClientHello (with cookie)            -->
 *             <--  ServerHello, Certificate, ServerKeyExchange,
 *                  CertificateRequest*, ServerHelloDone       flight 4
 *   flight 5  Certificate*, ClientKeyExchange, CertificateVerify*,
 *             [ChangeCipherSpec], Finished         -->
 *             <--  [ChangeCipherSpec], Finished    flight 6
 *
 * We offer DTLS 1.2 only; a server that answers anything else gets protocol_version.
 */
import { AlertDescription } from '../../alert.js';
import { cipherSuiteInfo } from '../../cipher-suites.js';
import {
  CompressionMethod,
  EcPointFormat,
  HandshakeType,
  ProtocolVersion,
  RANDOM_LENGTH,
} from '../../constants.js';
import { computeEcdheSharedSecret, type EcdheKeyPair, generateEcdheKeyPair } from '../../crypto/ecdhe.js';
import { randomBytes } from '../../crypto/random.js';
import {
  chooseSignatureScheme,
  SUPPORTED_SIGNATURE_SCHEMES,
  signData,
  verifySignature,
} from '../../crypto/signature.js';
import { DtlsError } from '../../errors.js';
import { srtpProfileInfo } from '../../keys/srtp.js';
import { decodeCertificate, encodeCertificate } from '../../messages/certificate.js';
import { decodeCertificateRequest } from '../../messages/certificate-request.js';
import { encodeCertificateVerify } from '../../messages/certificate-verify.js';
import { type ClientHello, encodeClientHello } from '../../messages/client-hello.js';
import { encodeClientKeyExchange } from '../../messages/client-key-exchange.js';
import { decodeHelloVerifyRequest } from '../../messages/hello-verify-request.js';
import { decodeServerHello, type ServerHello } from '../../messages/server-hello.js';
import { decodeServerHelloDone } from '../../messages/server-hello-done.js';
import { decodeServerKeyExchange, serverKeyExchangeSignedData } from '../../messages/server-key-exchange.js';
import { DtlsHandshakeError } from '../errors.js';
import type { ReassembledMessage } from '../reassembler.js';
import { Dtls12Handshake, EPOCH_1 } from './base.js';

type ClientState =
  | 'start'
  | 'hello'
  | 'certificate'
  | 'key-exchange'
  | 'hello-done'
  | 'finished'
  | 'complete';

/** HelloVerifyRequests answered before we give up (a server should send one). */
const MAX_HELLO_VERIFY_REQUESTS = 4;

export class Dtls12ClientHandshake extends Dtls12Handshake {
  private state: ClientState = 'start';
  private hello: ClientHello | undefined;
  private helloVerifyRequests = 0;
  private extended = false;
  private namedGroup = 0;
  private srtpProfile: number | undefined;
  private serverPublicKey: Uint8Array | undefined;
  private certificateRequested = false;
  private clientSignatureSchemes: readonly number[] = [];

  /** Sends flight 1. */
  start(now: number): void {
    if (this.state !== 'start') return;
    const c = this.config;
    this.clientRandom = randomBytes(RANDOM_LENGTH);
    this.hello = {
      clientVersion: ProtocolVersion.DTLS1_2,
      random: this.clientRandom,
      sessionId: new Uint8Array(0),
      cookie: new Uint8Array(0),
      cipherSuites: c.cipherSuites,
      compressionMethods: [CompressionMethod.null],
      extensions: {
        extendedMasterSecret: true,
        renegotiationInfo: new Uint8Array(0),
        supportedGroups: c.namedGroups,
        ecPointFormats: [EcPointFormat.uncompressed],
        signatureAlgorithms: SUPPORTED_SIGNATURE_SCHEMES,
        ...(c.srtpProfiles.length > 0
          ? { useSrtp: { profiles: c.srtpProfiles, mki: new Uint8Array(0) } }
          : {}),
      },
    };
    this.sendHello(now);
  }

  private sendHello(now: number): void {
    this.send(0, HandshakeType.client_hello, encodeClientHello(this.hello!));
    this.transport.sendFlight(now, true);
    this.state = 'hello';
  }

  protected handleMessage(m: ReassembledMessage, now: number): void {
    switch (this.state) {
      case 'hello':
        if (m.msgType === HandshakeType.hello_verify_request) {
          this.onHelloVerifyRequest(m, now);
          return;
        }
        if (m.msgType === HandshakeType.server_hello) {
          this.onServerHello(m);
          return;
        }
        break;
      case 'certificate':
        if (m.msgType === HandshakeType.certificate) {
          this.onCertificate(m);
          return;
        }
        break;
      case 'key-exchange':
        if (m.msgType === HandshakeType.server_key_exchange) {
          this.onServerKeyExchange(m);
          return;
        }
        break;
      case 'hello-done':
        if (m.msgType === HandshakeType.certificate_request && !this.certificateRequested) {
          this.onCertificateRequest(m);
          return;
        }
        if (m.msgType === HandshakeType.server_hello_done) {
          this.onServerHelloDone(m, now);
          return;
        }
        break;
      case 'finished':
        if (m.msgType === HandshakeType.finished) {
          this.onFinished(m);
          return;
        }
        break;
    }
    // RFC 5246 §7.4.1.1: a HelloRequest during a handshake is ignored (and not hashed).
    if (m.msgType === HandshakeType.hello_request) return;
    throw this.unexpected(m, this.state);
  }

  /** RFC 6347 §4.2.1: repeat the ClientHello with the cookie; the transcript restarts. */
  private onHelloVerifyRequest(m: ReassembledMessage, now: number): void {
    const hvr = decodeHelloVerifyRequest(m.body);
    if (++this.helloVerifyRequests > MAX_HELLO_VERIFY_REQUESTS) {
      throw new DtlsHandshakeError(
        'UNEXPECTED_MESSAGE',
        AlertDescription.unexpected_message,
        'too many HelloVerifyRequests',
      );
    }
    this.transport.peerFlightComplete();
    this.transcript.reset();
    this.hello = { ...this.hello!, cookie: hvr.cookie.slice() };
    this.sendHello(now);
  }

  private onServerHello(m: ReassembledMessage): void {
    const sh = decodeServerHello(m.body);
    this.checkServerHello(sh);
    this.addToTranscript(m);
    this.serverRandom = sh.random.slice();
    this.suite = cipherSuiteInfo(sh.cipherSuite);
    this.extended = sh.extensions.extendedMasterSecret === true;
    this.srtpProfile = sh.extensions.useSrtp?.profiles[0];
    this.state = 'certificate';
  }

  /** What the ServerHello may say given what we offered (RFC 5246 §7.4.1.3, §7.4.1.4). */
  private checkServerHello(sh: ServerHello): void {
    const c = this.config;
    const ext = sh.extensions;
    const illegal = (detail: string): DtlsHandshakeError =>
      new DtlsHandshakeError('ILLEGAL_PARAMETER', AlertDescription.illegal_parameter, detail);
    const selected = ext.supportedVersions?.[0];
    if (
      sh.serverVersion !== ProtocolVersion.DTLS1_2 ||
      (selected !== undefined && selected !== ProtocolVersion.DTLS1_2)
    ) {
      const v = selected ?? sh.serverVersion;
      throw new DtlsError(
        'PROTOCOL_VERSION',
        AlertDescription.protocol_version,
        `server chose version 0x${v.toString(16)}`,
      );
    }
    if (!c.cipherSuites.includes(sh.cipherSuite))
      throw illegal(`cipher suite 0x${sh.cipherSuite.toString(16)} not offered`);
    if (sh.compressionMethod !== CompressionMethod.null) throw illegal('compression method');
    if (ext.extendedMasterSecret !== true && c.extendedMasterSecret === 'require') {
      throw new DtlsHandshakeError(
        'MISSING_EXTENSION',
        AlertDescription.handshake_failure,
        'the server does not use extended_master_secret (RFC 7627)',
      );
    }
    if (ext.renegotiationInfo !== undefined && ext.renegotiationInfo.length !== 0) {
      throw new DtlsHandshakeError(
        'ILLEGAL_PARAMETER',
        AlertDescription.handshake_failure,
        'renegotiation_info not empty',
      );
    }
    if (ext.ecPointFormats !== undefined && !ext.ecPointFormats.includes(EcPointFormat.uncompressed)) {
      throw illegal('ec_point_formats without uncompressed');
    }
    const srtp = ext.useSrtp;
    if (srtp !== undefined) {
      const [profile] = srtp.profiles;
      if (srtp.profiles.length !== 1 || profile === undefined || !c.srtpProfiles.includes(profile)) {
        throw illegal('use_srtp must select one offered profile');
      }
      if (srtp.mki.length !== 0) throw illegal('use_srtp MKI we did not offer');
    }
    if (ext.other !== undefined && ext.other.length > 0) {
      throw new DtlsHandshakeError(
        'ILLEGAL_PARAMETER',
        AlertDescription.unsupported_extension,
        `ServerHello extension ${ext.other[0]!.type} was not offered`,
      );
    }
  }

  private onCertificate(m: ReassembledMessage): void {
    const { certificates } = decodeCertificate(m.body);
    if (certificates.length === 0) {
      throw new DtlsHandshakeError(
        'NO_CERTIFICATE',
        AlertDescription.handshake_failure,
        'the server sent no certificate',
      );
    }
    this.acceptPeerCertificates(certificates);
    const keyType = this.peerKey!.type === 'rsa' ? 'rsa' : 'ecdsa';
    if (keyType !== this.suite!.authentication) {
      throw new DtlsError(
        'UNSUPPORTED_CERTIFICATE',
        AlertDescription.unsupported_certificate,
        `${this.suite!.name} needs an ${this.suite!.authentication.toUpperCase()} certificate`,
      );
    }
    this.addToTranscript(m);
    this.state = 'key-exchange';
  }

  /** RFC 8422 §5.4: the server's ephemeral key, signed with its certificate key. */
  private onServerKeyExchange(m: ReassembledMessage): void {
    const ske = decodeServerKeyExchange(m.body);
    if (!this.config.namedGroups.includes(ske.namedGroup)) {
      throw new DtlsHandshakeError(
        'ILLEGAL_PARAMETER',
        AlertDescription.illegal_parameter,
        `group 0x${ske.namedGroup.toString(16)} not offered`,
      );
    }
    if (!SUPPORTED_SIGNATURE_SCHEMES.includes(ske.signatureScheme)) {
      throw new DtlsHandshakeError(
        'ILLEGAL_PARAMETER',
        AlertDescription.illegal_parameter,
        `signature scheme 0x${ske.signatureScheme.toString(16)} not offered`,
      );
    }
    const signed = serverKeyExchangeSignedData(
      this.clientRandom!,
      this.serverRandom!,
      ske.namedGroup,
      ske.publicKey,
    );
    if (!verifySignature(this.peerKey!, ske.signatureScheme, signed, ske.signature)) {
      throw new DtlsError('BAD_SIGNATURE', AlertDescription.decrypt_error, 'ServerKeyExchange signature');
    }
    this.namedGroup = ske.namedGroup;
    this.serverPublicKey = ske.publicKey.slice();
    this.addToTranscript(m);
    this.state = 'hello-done';
  }

  private onCertificateRequest(m: ReassembledMessage): void {
    const cr = decodeCertificateRequest(m.body);
    this.certificateRequested = true;
    this.clientSignatureSchemes = cr.signatureAlgorithms;
    this.addToTranscript(m);
  }

  /** Flight 5. */
  private onServerHelloDone(m: ReassembledMessage, now: number): void {
    decodeServerHelloDone(m.body);
    this.addToTranscript(m);
    this.transport.peerFlightComplete();
    const own = this.config.certificate;
    let scheme: number | undefined;
    if (this.certificateRequested) {
      scheme = chooseSignatureScheme(own.privateKey, this.clientSignatureSchemes);
      if (scheme === undefined) {
        throw new DtlsError(
          'HANDSHAKE_FAILURE',
          AlertDescription.handshake_failure,
          'no signature scheme for our certificate among those the server accepts',
        );
      }
      this.send(0, HandshakeType.certificate, encodeCertificate({ certificates: [own.der] }));
    }
    const keyPair: EcdheKeyPair = generateEcdheKeyPair(this.namedGroup);
    const preMasterSecret = computeEcdheSharedSecret(keyPair, this.serverPublicKey!);
    this.send(
      0,
      HandshakeType.client_key_exchange,
      encodeClientKeyExchange({ publicKey: keyPair.publicKey }),
    );
    // The session hash (RFC 7627 §3) and CertificateVerify (RFC 5246 §7.4.8) both cover the
    // messages through ClientKeyExchange.
    this.deriveKeys(preMasterSecret, this.extended);
    if (scheme !== undefined) {
      const signature = signData(own.privateKey, scheme, this.transcript.bytes());
      this.send(
        0,
        HandshakeType.certificate_verify,
        encodeCertificateVerify({ signatureScheme: scheme, signature }),
      );
    }
    this.transport.addChangeCipherSpec(0);
    this.send(EPOCH_1, HandshakeType.finished, this.verifyData('client'));
    this.transport.sendFlight(now, true);
    this.state = 'finished';
  }

  /** Also the ClientHello (resent only before the ServerHello) and the server's ECDHE share. */
  protected override releaseHandshakeState(): void {
    super.releaseHandshakeState();
    this.hello = undefined;
    this.serverPublicKey = undefined;
  }

  private onFinished(m: ReassembledMessage): void {
    this.checkPeerFinished(m);
    this.transport.peerFlightComplete();
    this.transport.stopTimer();
    this.state = 'complete';
    this.finish(
      this.namedGroup,
      this.extended,
      this.srtpProfile === undefined ? undefined : srtpProfileInfo(this.srtpProfile),
    );
  }
}
