/** Payload protocol identifiers of WebRTC data channels (RFC 8831 §8, RFC 8832 §8.1). */
export const Ppid = {
  /** DCEP control messages (RFC 8832). */
  Dcep: 50,
  String: 51,
  /** Deprecated: a fragment of a binary message, completed by the next Binary (accepted on receive). */
  BinaryPartial: 52,
  Binary: 53,
  /** Deprecated: a fragment of a string message, completed by the next String (accepted on receive). */
  StringPartial: 54,
  /** An empty string: DATA cannot be empty, so the payload is one ignored byte (RFC 8831 §6.6). */
  StringEmpty: 56,
  /** An empty binary message, same convention. */
  BinaryEmpty: 57,
} as const;
