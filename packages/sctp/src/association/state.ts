/** Association states (RFC 9260 §4, figure 3). */
export const AssociationState = {
  Closed: 'closed',
  CookieWait: 'cookie-wait',
  CookieEchoed: 'cookie-echoed',
  Established: 'established',
  ShutdownPending: 'shutdown-pending',
  ShutdownSent: 'shutdown-sent',
  ShutdownReceived: 'shutdown-received',
  ShutdownAckSent: 'shutdown-ack-sent',
} as const;
export type AssociationState = (typeof AssociationState)[keyof typeof AssociationState];
