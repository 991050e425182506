/**
 * Configuration of the TURN server core, with the RFC 8656 defaults. Every duration here is in
 * seconds, as LIFETIME is on the wire; the `now` the core is fed is in milliseconds.
 */
import type { AddressFamily, TransportAddress } from '../address.js';

/** Long-term credentials: a username -> password table, or a lookup (undefined = unknown user). */
export type TurnUsers = Readonly<Record<string, string>> | ((username: string) => string | undefined);

export interface TurnServerOptions {
  /** REALM of the long-term credentials (RFC 8489 §9.2); part of every user's key. */
  readonly realm: string;
  readonly users: TurnUsers;
  /** SOFTWARE attribute on responses (RFC 8489 §14.14); none when undefined. */
  readonly software?: string;
  /** The family of the relayed addresses this server hands out (default IPv4). */
  readonly relayFamily?: AddressFamily;
  /** Allocation lifetime granted when the client asks for less or nothing (RFC 8656 §7.2: 600 s). */
  readonly defaultLifetime?: number;
  /** The longest allocation lifetime granted (RFC 8656 §7.2 suggests 3600 s). */
  readonly maxLifetime?: number;
  /** Permission lifetime (RFC 8656 §9: 300 s, fixed by the protocol). */
  readonly permissionLifetime?: number;
  /** Channel binding lifetime (RFC 8656 §12: 600 s). */
  readonly channelLifetime?: number;
  /** How long a NONCE stays valid before requests get 438 Stale Nonce (default 600 s). */
  readonly nonceLifetime?: number;
  /** HMAC key for nonces; random per server when omitted. */
  readonly nonceSecret?: Uint8Array;
  /** Allocations on the whole server (default 100); past it Allocate gets 508 Insufficient Capacity. */
  readonly maxAllocations?: number;
  /** Allocations per username (default 10); past it Allocate gets 486 Allocation Quota Reached. */
  readonly maxAllocationsPerUser?: number;
  /** Permissions per allocation (default 64); past it CreatePermission/ChannelBind get 508. */
  readonly maxPermissions?: number;
  /** Channels per allocation (default 64); past it ChannelBind gets 508. */
  readonly maxChannels?: number;
  /** How long to wait for the adapter to open a relay socket before failing the Allocate with 508 (default 10 s). */
  readonly relayOpenTimeout?: number;
  /**
   * Which peers clients may reach; a peer refused here makes CreatePermission and ChannelBind
   * fail with 403 Forbidden (RFC 8656 §10.2, §12.2). Everything is allowed by default, which suits
   * tests on loopback; a server on the Internet should refuse its own and private networks (RFC 8656 §21).
   */
  readonly allowPeer?: (peer: TransportAddress) => boolean;
  /** Transmits held for the adapter before new ones are dropped (default 4096). */
  readonly maxQueuedTransmits?: number;
}

/** Options with defaults applied; `*Ms` durations are ready to add to `now`. */
export interface ResolvedTurnServerOptions {
  readonly realm: string;
  readonly passwordFor: (username: string) => string | undefined;
  readonly software: string | undefined;
  readonly relayFamily: AddressFamily;
  readonly defaultLifetimeSec: number;
  readonly maxLifetimeSec: number;
  readonly permissionLifetimeMs: number;
  readonly channelLifetimeMs: number;
  readonly nonceLifetimeMs: number;
  readonly nonceSecret: Uint8Array | undefined;
  readonly maxAllocations: number;
  readonly maxAllocationsPerUser: number;
  readonly maxPermissions: number;
  readonly maxChannels: number;
  readonly relayOpenTimeoutMs: number;
  readonly allowPeer: (peer: TransportAddress) => boolean;
  readonly maxQueuedTransmits: number;
}

function lookupIn(table: Readonly<Record<string, string>>): (username: string) => string | undefined {
  // Own string properties only: a USERNAME of "constructor" or "__proto__" must not find
  // Object.prototype's members.
  return (username) => {
    if (!Object.hasOwn(table, username)) return undefined;
    const password = table[username];
    return typeof password === 'string' ? password : undefined;
  };
}

export function resolveOptions(options: TurnServerOptions): ResolvedTurnServerOptions {
  const users = options.users;
  const defaultLifetimeSec = options.defaultLifetime ?? 600;
  return {
    realm: options.realm,
    passwordFor: typeof users === 'function' ? users : lookupIn(users),
    software: options.software,
    relayFamily: options.relayFamily ?? 'IPv4',
    defaultLifetimeSec,
    maxLifetimeSec: Math.max(defaultLifetimeSec, options.maxLifetime ?? 3600),
    permissionLifetimeMs: (options.permissionLifetime ?? 300) * 1000,
    channelLifetimeMs: (options.channelLifetime ?? 600) * 1000,
    nonceLifetimeMs: (options.nonceLifetime ?? 600) * 1000,
    nonceSecret: options.nonceSecret,
    maxAllocations: options.maxAllocations ?? 100,
    maxAllocationsPerUser: options.maxAllocationsPerUser ?? 10,
    maxPermissions: options.maxPermissions ?? 64,
    maxChannels: options.maxChannels ?? 64,
    relayOpenTimeoutMs: (options.relayOpenTimeout ?? 10) * 1000,
    allowPeer: options.allowPeer ?? (() => true),
    maxQueuedTransmits: options.maxQueuedTransmits ?? 4096,
  };
}
