/**
 * The DTLS 1.2 server handshake (RFC 6347 §4.2.1, RFC 5246 §7.3), the mirror of client.ts:
 * flight 2 (HelloVerifyRequest, stateless), flight 4 (ServerHello, Certificate,
 * ServerKeyExchange, CertificateRequest, ServerHelloDone), flight 6 (ChangeCipherSpec,
 * Finished). The last flight has no timer: it is sent again only when the client retransmits
 * flight 5 (RFC 6347 §4.2.4).
 *
 * The ClientHello is taken outside the message sequence: until one carries a valid cookie the
 * server answers each with a HelloVerifyRequest and changes nothing (RFC 6347 §4.2.1). A
 * ClientHello used to fit one fragment; Chromium's now carries a post-quantum key share for DTLS
 * 1.3 (X25519MLKEM768, 1.2 KB) and arrives in two, so fragments of it are gathered here (one
 * message, at most {@link MAX_CLIENT_HELLO} bytes) before it is read.
 */
import { AlertDescription } from '../../alert.js';
import {
  ClientCertificateType,
  EcPointFormat,
  HandshakeType,
  ProtocolVersion,
  RANDOM_LENGTH,
} from '../../constants.js';
import { computeEcdheSharedSecret, type EcdheKeyPair, generateEcdheKeyPair } from '../../crypto/ecdhe.js';
import { randomBytes } from '../../crypto/random.js';
import { SUPPORTED_SIGNATURE_SCHEMES, signData, verifySignature } from '../../crypto/signature.js';
import { DtlsError, DtlsParseError } from '../../errors.js';
import { srtpProfileInfo } from '../../keys/srtp.js';
import { decodeCertificate, encodeCertificate } from '../../messages/certificate.js';
import { encodeCertificateRequest } from '../../messages/certificate-request.js';
import { decodeCertificateVerify } from '../../messages/certificate-verify.js';
import { type ClientHello, decodeClientHello } from '../../messages/client-hello.js';
import { decodeClientKeyExchange } from '../../messages/client-key-exchange.js';
import type { HandshakeFragment } from '../../messages/handshake-header.js';
import { encodeServerHello } from '../../messages/server-hello.js';
import { encodeServerHelloDone } from '../../messages/server-hello-done.js';
import { encodeServerKeyExchange, serverKeyExchangeSignedData } from '../../messages/server-key-exchange.js';
import { splitClientHelloForCookie } from '../cookie.js';
import { DtlsHandshakeError } from '../errors.js';
import type { ReassembledMessage } from '../reassembler.js';
import { Dtls12Handshake, EPOCH_1 } from './base.js';
import { helloVerifyRequestDatagram } from './hello-verify.js';
import { negotiateServer, type ServerChoices } from './negotiate.js';

/** Largest ClientHello we gather from fragments (Chromium's with an ML-KEM share is ~1.5 KB). */
const MAX_CLIENT_HELLO = 16384;

type ServerState =
  | 'client-hello'
  | 'certificate'
  | 'key-exchange'
  | 'certificate-verify'
  | 'finished'
  | 'complete';

export class Dtls12ServerHandshake extends Dtls12Handshake {
  private state: ServerState = 'client-hello';
  private choices: ServerChoices | undefined;
  private keyPair: EcdheKeyPair | undefined;
  /** HelloVerifyRequests sent (stats). */
  helloVerifyRequests = 0;

  protected override interceptFragment(
    f: HandshakeFragment,
    epoch: number,
    recordSeq: number,
    now: number,
  ): boolean {
    if (this.state !== 'client-hello') return false;
    // Nothing but a ClientHello in epoch 0 means anything before we answered one.
    if (f.msgType !== HandshakeType.client_hello || epoch !== 0) return true;
    if (f.fragmentOffset !== 0 || f.fragmentLength !== f.length) {
      const whole = this.gatherClientHello(f);
      if (whole === undefined) return true;
      f = { ...f, fragmentOffset: 0, fragmentLength: f.length, fragment: whole };
    }
    let hello: ClientHello;
    try {
      hello = decodeClientHello(f.fragment);
    } catch (e) {
      if (!(e instanceof DtlsParseError)) throw e;
      this.malformedRecords++;
      return true;
    }
    const cookies = this.config.cookies;
    if (cookies !== undefined) {
      const split = splitClientHelloForCookie(f.fragment);
      if (split !== undefined && !cookies.verify(this.config.remoteKey, split, now)) {
        const cookie = cookies.make(this.config.remoteKey, split, now);
        this.helloVerifyRequests++;
        this.emit(helloVerifyRequestDatagram(cookie, f.messageSeq, recordSeq));
        return true;
      }
    }
    // Accepted: our messages continue the client's numbering (RFC 6347 §4.2.2), and our
    // records its record sequence numbers (§4.2.1).
    this.transport.reassembler.skipTo(f.messageSeq + 1);
    this.transport.nextSendSeq = f.messageSeq;
    this.records.skipToSequenceNumber(recordSeq, 0);
    this.onClientHello(
      hello,
      { msgType: f.msgType, messageSeq: f.messageSeq, body: f.fragment.slice(), epoch },
      now,
    );
    return true;
  }

  /** The ClientHello being gathered from fragments: its message_seq, bytes, and which arrived. */
  private helloParts: { seq: number; bytes: Uint8Array; have: Uint8Array; missing: number } | undefined;

  /** Adds a fragment of a ClientHello; the whole message once every byte has arrived. */
  private gatherClientHello(f: HandshakeFragment): Uint8Array | undefined {
    if (f.length > MAX_CLIENT_HELLO || f.fragmentOffset + f.fragmentLength > f.length) return undefined;
    let p = this.helloParts;
    if (p === undefined || p.seq !== f.messageSeq || p.bytes.length !== f.length) {
      p = {
        seq: f.messageSeq,
        bytes: new Uint8Array(f.length),
        have: new Uint8Array(f.length),
        missing: f.length,
      };
      this.helloParts = p;
    }
    p.bytes.set(f.fragment.subarray(0, f.fragmentLength), f.fragmentOffset);
    for (let i = f.fragmentOffset; i < f.fragmentOffset + f.fragmentLength; i++) {
      if (p.have[i] === 0) {
        p.have[i] = 1;
        p.missing--;
      }
    }
    if (p.missing > 0) return undefined;
    this.helloParts = undefined;
    return p.bytes;
  }

  /** Flight 4. */
  private onClientHello(hello: ClientHello, m: ReassembledMessage, now: number): void {
    const c = this.config;
    const own = c.certificate;
    const choices = negotiateServer(hello, {
      cipherSuites: c.cipherSuites,
      namedGroups: c.namedGroups,
      srtpProfiles: c.srtpProfiles,
      extendedMasterSecret: c.extendedMasterSecret,
      key: own.privateKey,
    });
    this.choices = choices;
    this.suite = choices.suite;
    this.clientRandom = hello.random.slice();
    this.serverRandom = randomBytes(RANDOM_LENGTH);
    this.addToTranscript(m);
    this.transport.peerFlightComplete();

    this.send(
      0,
      HandshakeType.server_hello,
      encodeServerHello({
        serverVersion: ProtocolVersion.DTLS1_2,
        random: this.serverRandom,
        sessionId: new Uint8Array(0),
        cipherSuite: choices.suite.id,
        compressionMethod: 0,
        extensions: {
          ...(choices.extendedMasterSecret ? { extendedMasterSecret: true } : {}),
          ...(choices.secureRenegotiation ? { renegotiationInfo: new Uint8Array(0) } : {}),
          ...(choices.pointFormats ? { ecPointFormats: [EcPointFormat.uncompressed] } : {}),
          ...(choices.srtpProfile !== undefined
            ? { useSrtp: { profiles: [choices.srtpProfile], mki: new Uint8Array(0) } }
            : {}),
        },
      }),
    );
    this.send(0, HandshakeType.certificate, encodeCertificate({ certificates: [own.der] }));
    this.keyPair = generateEcdheKeyPair(choices.namedGroup);
    const signed = serverKeyExchangeSignedData(
      this.clientRandom,
      this.serverRandom,
      choices.namedGroup,
      this.keyPair.publicKey,
    );
    this.send(
      0,
      HandshakeType.server_key_exchange,
      encodeServerKeyExchange({
        namedGroup: choices.namedGroup,
        publicKey: this.keyPair.publicKey,
        signatureScheme: choices.signatureScheme,
        signature: signData(own.privateKey, choices.signatureScheme, signed),
      }),
    );
    // WebRTC authenticates both ends by certificate fingerprint (RFC 8827 §6.5), so we always
    // ask; no CA names (RFC 5246 §7.4.4 allows an empty list).
    this.send(
      0,
      HandshakeType.certificate_request,
      encodeCertificateRequest({
        certificateTypes: [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        signatureAlgorithms: SUPPORTED_SIGNATURE_SCHEMES,
        certificateAuthorities: [],
      }),
    );
    this.send(0, HandshakeType.server_hello_done, encodeServerHelloDone());
    this.transport.sendFlight(now, true);
    this.state = 'certificate';
  }

  protected handleMessage(m: ReassembledMessage, now: number): void {
    switch (this.state) {
      case 'certificate':
        if (m.msgType === HandshakeType.certificate) {
          this.onCertificate(m);
          return;
        }
        if (m.msgType === HandshakeType.client_key_exchange && !this.config.requireClientCertificate) {
          this.onClientKeyExchange(m);
          return;
        }
        break;
      case 'key-exchange':
        if (m.msgType === HandshakeType.client_key_exchange) {
          this.onClientKeyExchange(m);
          return;
        }
        break;
      case 'certificate-verify':
        if (m.msgType === HandshakeType.certificate_verify) {
          this.onCertificateVerify(m);
          return;
        }
        break;
      case 'finished':
        if (m.msgType === HandshakeType.finished) {
          this.onFinished(m, now);
          return;
        }
        break;
    }
    throw this.unexpected(m, this.state);
  }

  private onCertificate(m: ReassembledMessage): void {
    const { certificates } = decodeCertificate(m.body);
    if (certificates.length === 0) {
      // RFC 5246 §7.4.6: the server may go on without client authentication, or fail.
      if (this.config.requireClientCertificate) {
        throw new DtlsHandshakeError(
          'NO_CERTIFICATE',
          AlertDescription.handshake_failure,
          'the client sent no certificate',
        );
      }
    } else {
      this.acceptPeerCertificates(certificates);
    }
    this.addToTranscript(m);
    this.state = 'key-exchange';
  }

  private onClientKeyExchange(m: ReassembledMessage): void {
    const { publicKey } = decodeClientKeyExchange(m.body);
    const preMasterSecret = computeEcdheSharedSecret(this.keyPair!, publicKey);
    this.addToTranscript(m);
    this.deriveKeys(preMasterSecret, this.choices!.extendedMasterSecret);
    this.state = this.peerKey === undefined ? 'finished' : 'certificate-verify';
  }

  /** RFC 5246 §7.4.8: the client proves it holds the certificate's key. */
  private onCertificateVerify(m: ReassembledMessage): void {
    const cv = decodeCertificateVerify(m.body);
    if (!SUPPORTED_SIGNATURE_SCHEMES.includes(cv.signatureScheme)) {
      throw new DtlsHandshakeError(
        'ILLEGAL_PARAMETER',
        AlertDescription.illegal_parameter,
        `CertificateVerify scheme 0x${cv.signatureScheme.toString(16)} was not requested`,
      );
    }
    if (!verifySignature(this.peerKey!, cv.signatureScheme, this.transcript.bytes(), cv.signature)) {
      throw new DtlsError('BAD_SIGNATURE', AlertDescription.decrypt_error, 'CertificateVerify signature');
    }
    this.addToTranscript(m);
    this.state = 'finished';
  }

  /** Also our ECDHE key pair: an ephemeral key (RFC 8422 §2) is forgotten once used. */
  protected override releaseHandshakeState(): void {
    super.releaseHandshakeState();
    this.keyPair = undefined;
  }

  /** Flight 6. */
  private onFinished(m: ReassembledMessage, now: number): void {
    this.checkPeerFinished(m);
    this.transport.peerFlightComplete();
    this.transport.addChangeCipherSpec(0);
    this.send(EPOCH_1, HandshakeType.finished, this.verifyData('server'));
    this.transport.sendFlight(now, false);
    this.state = 'complete';
    const c = this.choices!;
    this.finish(
      c.namedGroup,
      c.extendedMasterSecret,
      c.srtpProfile === undefined ? undefined : srtpProfileInfo(c.srtpProfile),
    );
  }
}
