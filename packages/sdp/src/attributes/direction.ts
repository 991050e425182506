/**
 * Media direction (RFC 8866 §6.7): a=sendrecv / sendonly / recvonly / inactive, at session or
 * media level; the media-level one wins and sendrecv is the default.
 */
import { badValue } from '../errors.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export const DIRECTIONS: readonly Direction[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

export function isDirection(s: string): s is Direction {
  return s === 'sendrecv' || s === 'sendonly' || s === 'recvonly' || s === 'inactive';
}

export function parseDirection(s: string): Direction {
  if (!isDirection(s)) badValue(`not a direction: ${JSON.stringify(s)}`);
  return s;
}
