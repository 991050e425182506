/**
 * Errors of the W3C layer: DOMException names where the spec gives them (webrtc-pc §4.4.x), and
 * RTCError (§11.1) with its errorDetail for failures of the protocols underneath. The lower
 * packages throw typed errors (SdpParseError, JsepError, SctpError...); `toDomError` maps them.
 */
import { JsepError, SdpParseError } from '@purertc/sdp';

export type RTCErrorDetailType =
  | 'data-channel-failure'
  | 'dtls-failure'
  | 'fingerprint-failure'
  | 'sctp-failure'
  | 'sdp-syntax-error'
  | 'hardware-encoder-not-available'
  | 'hardware-encoder-error';

export interface RTCErrorInit {
  readonly errorDetail: RTCErrorDetailType;
  readonly sdpLineNumber?: number;
  readonly sctpCauseCode?: number;
  readonly receivedAlert?: number;
  readonly sentAlert?: number;
  readonly httpRequestStatusCode?: number;
}

/** RTCError (§11.1): a DOMException named OperationError with details. */
export class RTCError extends DOMException {
  readonly errorDetail: RTCErrorDetailType;
  readonly sdpLineNumber: number | null;
  readonly sctpCauseCode: number | null;
  readonly receivedAlert: number | null;
  readonly sentAlert: number | null;
  readonly httpRequestStatusCode: number | null;

  constructor(init: RTCErrorInit, message = '') {
    super(message, 'OperationError');
    this.errorDetail = init.errorDetail;
    this.sdpLineNumber = init.sdpLineNumber ?? null;
    this.sctpCauseCode = init.sctpCauseCode ?? null;
    this.receivedAlert = init.receivedAlert ?? null;
    this.sentAlert = init.sentAlert ?? null;
    this.httpRequestStatusCode = init.httpRequestStatusCode ?? null;
  }
}

export function invalidState(message: string): DOMException {
  return new DOMException(message, 'InvalidStateError');
}

export function invalidAccess(message: string): DOMException {
  return new DOMException(message, 'InvalidAccessError');
}

export function operationError(message: string): DOMException {
  return new DOMException(message, 'OperationError');
}

export function syntaxError(message: string): DOMException {
  return new DOMException(message, 'SyntaxError');
}

export function notSupported(message: string): DOMException {
  return new DOMException(message, 'NotSupportedError');
}

/**
 * What a description-handling step rejects with: an SDP syntax error becomes an RTCError
 * `sdp-syntax-error` naming the line (§4.4.1.6 step "If the content of description is not valid
 * SDP syntax"); a JSEP state error InvalidStateError; a JSEP rule broken InvalidAccessError.
 * Anything else is a bug of ours, reported as OperationError with its message.
 */
export function toDomError(error: unknown): Error {
  if (error instanceof DOMException || error instanceof TypeError) return error;
  if (error instanceof SdpParseError) {
    return new RTCError(
      { errorDetail: 'sdp-syntax-error', sdpLineNumber: error.lineNumber },
      `SDP line ${error.lineNumber}${error.line === '' ? '' : ` "${error.line.slice(0, 120)}"`}: ${error.detail}`,
    );
  }
  if (error instanceof JsepError) {
    return error.code === 'INVALID_STATE' ? invalidState(error.message) : invalidAccess(error.message);
  }
  return operationError(error instanceof Error ? error.message : String(error));
}
