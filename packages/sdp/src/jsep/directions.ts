/**
 * Direction algebra (RFC 3264 §6.1, RFC 8829 §5.3.1): what an answer may say given the offer,
 * and what a transceiver's current direction is once both sides have spoken.
 */
import type { Direction } from '../attributes/direction.js';

export function hasSend(d: Direction): boolean {
  return d === 'sendrecv' || d === 'sendonly';
}

export function hasRecv(d: Direction): boolean {
  return d === 'sendrecv' || d === 'recvonly';
}

export function directionOf(send: boolean, recv: boolean): Direction {
  if (send) return recv ? 'sendrecv' : 'sendonly';
  return recv ? 'recvonly' : 'inactive';
}

/** The same direction seen from the other side: sendonly ↔ recvonly. */
export function reverseDirection(d: Direction): Direction {
  return directionOf(hasRecv(d), hasSend(d));
}

/** Both allow it: sendrecv ∩ recvonly = recvonly, sendonly ∩ recvonly = inactive. */
export function intersectDirections(a: Direction, b: Direction): Direction {
  return directionOf(hasSend(a) && hasSend(b), hasRecv(a) && hasRecv(b));
}

/**
 * The answer's direction for an offered one (RFC 3264 §6.1): we may send only if the offerer
 * receives, and receive only if it sends, and only what our transceiver wants.
 */
export function answerDirection(offered: Direction, local: Direction): Direction {
  return intersectDirections(reverseDirection(offered), local);
}

/**
 * The negotiated (W3C currentDirection) from our side, given the direction we wrote and the one
 * the remote wrote in the same offer/answer exchange.
 */
export function negotiatedDirection(local: Direction, remote: Direction): Direction {
  return intersectDirections(local, reverseDirection(remote));
}
