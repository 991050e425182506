/**
 * The interop scenarios (issue 7) for our stack against one other peer, with ours as offerer and
 * as answerer. Each test file under interop/ calls interopSuite() for one remote peer, naming
 * what that peer genuinely cannot do (skip) and where it strays from the specifications (limits);
 * both show in the test names, so nothing is left out silently.
 *
 * `PURERTC_INTEROP_OURS=<kind>` puts another stack in the place of ours (wrtc,
 * node-datachannel, werift, chromium): that is how the harness itself is checked between
 * third-party peers, and how to tell a harness problem from a bug of ours.
 *
 * No timing thresholds: every timeout is a failure guard, generous enough for werift's slow
 * SCTP on a loaded two-core machine.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type ChannelInfo, type ChannelOptions, stringMessage } from './agent.js';
import { type PeerDriver, type PeerKind, PeerPair } from './driver.js';
import { PeerHosts, peerUnavailable } from './hosts.js';

export type ScenarioId =
  | 'either-side'
  | 'either-side-trickle'
  | 'ordered-strings'
  | 'binary-4mib'
  | 'unordered-max-retransmits'
  | 'max-packet-lifetime'
  | 'negotiated'
  | 'sixteen-channels'
  | 'close-propagates'
  | 'vanish'
  | 'restart-from-ours'
  | 'restart-from-theirs'
  | 'renegotiate-from-offerer'
  | 'renegotiate-from-answerer'
  | 'negotiationneeded-first'
  | 'negotiationneeded-restart';

export type Direction = 'ours-offers' | 'ours-answers';

export interface SuiteOptions {
  /**
   * Scenarios the other peer genuinely cannot do, with the precise reason: they show as skipped
   * with that reason, in the direction given (default both).
   */
  skip?: Partial<Record<ScenarioId, { reason: string; when?: Direction }>>;
  /**
   * Where the other peer strays from the specifications, with the reason; the suite then leaves
   * out that one check (never ours' side of it) and says so in the test name.
   */
  limits?: {
    /** Its API does not show the options of a channel the remote peer opened. */
    remoteChannelOptions?: string;
    /** The DCEP DATA_CHANNEL_OPEN it sends for an unordered channel with a limit says ordered. */
    unorderedPartialReliability?: string;
    /** The DCEP it sends counts label and protocol lengths in UTF-16 units, not UTF-8 bytes. */
    utf8Labels?: string;
  };
}

const KINDS: readonly PeerKind[] = ['ours', 'wrtc', 'node-datachannel', 'werift', 'chromium'];

/** The stack in the role of ours (PURERTC_INTEROP_OURS), ours by default. */
export function oursKind(): PeerKind {
  const kind = process.env['PURERTC_INTEROP_OURS'] ?? 'ours';
  if (!(KINDS as readonly string[]).includes(kind))
    throw new Error(`PURERTC_INTEROP_OURS=${kind}: not a peer kind`);
  return kind as PeerKind;
}

const MiB = 1 << 20;
/** Failure guards (ms), beside the agents' own 15 s for everything else. */
const TEST_TIMEOUT = 90_000;
/** 1000 strings each way: werift's SCTP took up to 9 s for them on a loaded machine. */
const DATA_GUARD = 60_000;
const BULK_GUARD = 240_000;

interface Ctx {
  ours: PeerDriver;
  theirs: PeerDriver;
  offerer: PeerDriver;
  answerer: PeerDriver;
  pair: PeerPair;
}

/** Defines the whole suite for `theirs` (call at the top level of a test file). */
export async function interopSuite(theirs: PeerKind, options: SuiteOptions = {}): Promise<void> {
  const ours = oursKind();
  const limits = options.limits ?? {};
  const unavailable = (await peerUnavailable(theirs)) ?? (await peerUnavailable(ours));
  if (unavailable !== undefined && process.env['CI'])
    throw new Error(`interop with ${theirs}: the peer is required in CI: ${unavailable}`);
  const limited = (reason: string | undefined): string =>
    reason === undefined ? '' : ` [limited: ${reason}]`;

  describe.skipIf(unavailable !== undefined)(`interop: ${ours} with ${theirs}`, () => {
    const hosts = new PeerHosts();
    const pairs: PeerPair[] = [];
    afterEach(async () => {
      await Promise.all(pairs.splice(0).map((p) => p.stop()));
      await hosts.disposePeers();
    });
    afterAll(() => hosts.disposeAll());

    for (const direction of ['ours-offers', 'ours-answers'] as const) {
      const oursOffers = direction === 'ours-offers';
      describe(
        oursOffers ? `ours as offerer, ${theirs} answers` : `ours as answerer, ${theirs} offers`,
        () => {
          const setUp = async (vanishingTheirs: boolean): Promise<Ctx> => {
            const role = (isOurs: boolean): string => (isOurs === oursOffers ? 'offerer' : 'answerer');
            const o = await hosts.create(ours, `ours:${ours}[${role(true)}]`, {
              shortConsent: vanishingTheirs,
            });
            const t = await hosts.create(theirs, `${theirs}[${role(false)}]`, {
              vanishable: vanishingTheirs,
            });
            const pair = new PeerPair(o, t);
            pairs.push(pair);
            // The pair's views of the peers: their commands fail as soon as the pair does.
            const [po, pt] = [pair.a, pair.b];
            return {
              ours: po,
              theirs: pt,
              offerer: oursOffers ? po : pt,
              answerer: oursOffers ? pt : po,
              pair,
            };
          };

          const scenario = (
            id: ScenarioId,
            title: string,
            body: (ctx: Ctx) => Promise<void>,
            timeout = TEST_TIMEOUT,
          ): void => {
            const skip = options.skip?.[id];
            if (skip !== undefined && (skip.when === undefined || skip.when === direction)) {
              it.skip(`${title} [skipped: ${skip.reason}]`, () => {});
              return;
            }
            it(
              title,
              async () => {
                const ctx = await setUp(id === 'vanish');
                try {
                  await body(ctx);
                } catch (e) {
                  // Both sides' view of the failure: the state and recent events of each peer.
                  const reports = await Promise.all(
                    [ctx.ours, ctx.theirs].map((p) => p.report().catch(String)),
                  );
                  if (e instanceof Error) e.message += `\n\n--- at failure ---\n${reports.join('\n\n')}`;
                  throw e;
                }
                if (id !== 'vanish') {
                  expect(await ctx.ours.problems(), `anomalies seen by ${ctx.ours.name}`).toEqual([]);
                  expect(await ctx.theirs.problems(), `anomalies seen by ${ctx.theirs.name}`).toEqual([]);
                }
              },
              timeout,
            );
          };

          // A label and a protocol with multi-byte UTF-8: DCEP lengths are byte lengths. Ours
          // always gets them; a peer that cannot encode them right gets ASCII ones.
          const labelFor = (creator: 'ours' | 'theirs', base: string): string =>
            creator === 'theirs' && limits.utf8Labels !== undefined ? base : `${base} ✓ ünï`;

          for (const trickle of [false, true]) {
            scenario(
              trickle ? 'either-side-trickle' : 'either-side',
              `channels opened from either side (${trickle ? 'trickled candidates' : 'full SDP after gathering'})` +
                limited(limits.utf8Labels),
              async (ctx) => {
                const { offerer, answerer, pair } = ctx;
                const first = labelFor(oursOffers ? 'ours' : 'theirs', 'from the offerer');
                const second = labelFor(oursOffers ? 'theirs' : 'ours', 'from the answerer');
                const protocol = (label: string): string => (label.includes('✓') ? 'proto/ö' : 'proto');
                await offerer.createDataChannel(first, { protocol: protocol(first) });
                await pair.negotiate(offerer, { trickle });
                const seen = await answerer.waitRemoteChannel(first);
                const local = await offerer.waitChannelOpen(first);
                const expected = {
                  ordered: true,
                  negotiated: false,
                  maxRetransmits: null,
                  maxPacketLifeTime: null,
                };
                expect(seen).toMatchObject({ label: first, protocol: protocol(first), ...expected });
                expectSameId(ctx, [answerer, seen], [offerer, local]);
                await answerer.createDataChannel(second, { protocol: protocol(second) });
                const back = await offerer.waitRemoteChannel(second);
                expect(back).toMatchObject({ label: second, protocol: protocol(second), ...expected });
                expectSameId(ctx, [offerer, back], [answerer, await answerer.waitChannelOpen(second)]);
                expect(back.id).not.toBe(seen.id);
                await exchange(offerer, answerer, first, 5);
                await exchange(offerer, answerer, second, 5);
                await ctx.ours.waitState('connectionState', 'connected');
                await ctx.ours.waitState('iceConnectionState', ['connected', 'completed']);
              },
            );
          }

          scenario(
            'ordered-strings',
            '1000 ordered strings arrive in order, both ways at once',
            async (ctx) => {
              await connect(ctx, 'strings', { creator: ctx.ours });
              const n = 1000;
              await Promise.all([
                ctx.ours.sendStrings('strings', 'o', n),
                ctx.theirs.sendStrings('strings', 't', n),
              ]);
              const [atTheirs, atOurs] = await Promise.all([
                ctx.theirs.waitStrings('strings', n, DATA_GUARD),
                ctx.ours.waitStrings('strings', n, DATA_GUARD),
              ]);
              expect(atTheirs).toEqual(series('o', n));
              expect(atOurs).toEqual(series('t', n));
            },
          );

          scenario(
            'binary-4mib',
            '4 MiB of binary both ways at once, flow-controlled by bufferedamountlow, with matching digests',
            async (ctx) => {
              await connect(ctx, 'bulk', { creator: ctx.theirs });
              const bytes = 4 * MiB;
              const [fromOurs, fromTheirs] = await Promise.all([
                ctx.ours.sendBinary('bulk', { bytes, chunk: 16 * 1024, seed: 1 }),
                ctx.theirs.sendBinary('bulk', { bytes, chunk: 16 * 1024, seed: 2 }),
              ]);
              const [atTheirs, atOurs] = await Promise.all([
                ctx.theirs.waitBinary('bulk', bytes, BULK_GUARD),
                ctx.ours.waitBinary('bulk', bytes, BULK_GUARD),
              ]);
              expect(fromOurs.messages).toBe(256);
              expect(atTheirs).toEqual(fromOurs);
              expect(atOurs).toEqual(fromTheirs);
            },
            BULK_GUARD + 30_000,
          );

          const partialReliability = async (ctx: Ctx, init: ChannelOptions): Promise<void> => {
            const ordered = init.ordered !== false;
            await connect(ctx, 'reliable', { creator: ctx.offerer });
            await Promise.all([
              ctx.ours.createDataChannel('pr-ours', init),
              ctx.theirs.createDataChannel('pr-theirs', init),
            ]);
            const expected: Partial<ChannelInfo> = {
              ordered,
              maxRetransmits: init.maxRetransmits ?? null,
              maxPacketLifeTime: init.maxPacketLifeTime ?? null,
            };
            // Ours' view of its own channel and of theirs, and theirs' view of ours' channel, each
            // unless a limit of the other peer makes it meaningless.
            expect(await ctx.ours.waitChannelOpen('pr-ours')).toMatchObject(expected);
            const openedByOurs = await ctx.theirs.waitRemoteChannel('pr-ours');
            if (limits.remoteChannelOptions === undefined) expect(openedByOurs).toMatchObject(expected);
            const openedByTheirs = await ctx.ours.waitRemoteChannel('pr-theirs');
            const { ordered: _, ...limitsOnly } = expected;
            const theirsSendsOrdered = !ordered && limits.unorderedPartialReliability !== undefined;
            expect(openedByTheirs).toMatchObject(theirsSendsOrdered ? limitsOnly : expected);
            await ctx.theirs.waitChannelOpen('pr-theirs');
            // Loopback does not lose datagrams, so every message arrives; unordered ones may come
            // in any order, hence the sort.
            for (const label of ['pr-ours', 'pr-theirs']) {
              await exchange(
                ctx.ours,
                ctx.theirs,
                label,
                20,
                ordered && !(label === 'pr-theirs' && theirsSendsOrdered),
              );
            }
          };

          scenario(
            'unordered-max-retransmits',
            'unordered maxRetransmits:0 channels from either side: options seen remotely, messages flow' +
              limited(limits.remoteChannelOptions ?? limits.unorderedPartialReliability),
            (ctx) => partialReliability(ctx, { ordered: false, maxRetransmits: 0 }),
          );

          scenario(
            'max-packet-lifetime',
            'maxPacketLifeTime channels from either side: options seen remotely, messages flow' +
              limited(limits.remoteChannelOptions),
            (ctx) => partialReliability(ctx, { maxPacketLifeTime: 3000 }),
          );

          scenario(
            'negotiated',
            'negotiated channels with fixed ids (before and after connecting)',
            async (ctx) => {
              const peers = [ctx.ours, ctx.theirs];
              const create = async (peer: PeerDriver): Promise<void> => {
                await peer.createDataChannel('neg-2', { negotiated: true, id: 2 });
                await peer.createDataChannel('neg-5', { negotiated: true, id: 5, ordered: false });
              };
              // Before the offer on both sides, except on a third-party answerer (see connect()).
              const late = ctx.answerer === ctx.theirs ? ctx.theirs : undefined;
              for (const peer of peers) if (peer !== late) await create(peer);
              await ctx.pair.negotiate(ctx.offerer);
              if (late !== undefined) await create(late);
              for (const peer of peers) {
                expect(await peer.waitChannelOpen('neg-2')).toMatchObject({
                  id: 2,
                  negotiated: true,
                  ordered: true,
                });
                expect(await peer.waitChannelOpen('neg-5')).toMatchObject({
                  id: 5,
                  negotiated: true,
                  ordered: false,
                });
              }
              // One more once SCTP is up, with an id far from the others.
              for (const peer of peers)
                await peer.createDataChannel('neg-300', { negotiated: true, id: 300 });
              for (const peer of peers)
                expect(await peer.waitChannelOpen('neg-300')).toMatchObject({ id: 300 });
              for (const label of ['neg-2', 'neg-5', 'neg-300'])
                await exchange(ctx.ours, ctx.theirs, label, 3, label !== 'neg-5');
            },
          );

          scenario('sixteen-channels', '16 channels at once from each side', async (ctx) => {
            await connect(ctx, 'init', { creator: ctx.offerer });
            const labels = (p: string): string[] => Array.from({ length: 16 }, (_, i) => `${p}${i}`);
            await Promise.all([
              ctx.ours.createDataChannels(labels('o'), {}),
              ctx.theirs.createDataChannels(labels('t'), {}),
            ]);
            const seenByTheirs = await Promise.all(labels('o').map((l) => ctx.theirs.waitRemoteChannel(l)));
            const seenByOurs = await Promise.all(labels('t').map((l) => ctx.ours.waitRemoteChannel(l)));
            expect(new Set(seenByOurs.map((c) => c.id)).size).toBe(16);
            expect(new Set([...seenByTheirs, ...seenByOurs].map((c) => c.id)).size).toBe(32);
            for (const l of labels('o')) await ctx.ours.waitChannelOpen(l);
            for (const l of labels('t')) await ctx.theirs.waitChannelOpen(l);
            await Promise.all(
              [...labels('o'), ...labels('t')].map((l) => exchange(ctx.ours, ctx.theirs, l, 2)),
            );
          });

          scenario(
            'close-propagates',
            'closing a channel closes it on both sides (after traffic, and unused; either side closes)',
            async (ctx) => {
              const { ours: o, theirs: t } = ctx;
              const closed = { readyState: 'closed', closeEvents: 1 };
              await connect(ctx, 'survivor', { creator: ctx.offerer });
              // Each side closes channels the other opened and one it opened itself; two carry
              // traffic first, the others never do.
              const channels = [
                ['used-theirs-closed-by-ours', t, o, true],
                ['unused-theirs-closed-by-ours', t, o, false],
                ['used-ours-closed-by-theirs', o, t, true],
                ['unused-ours-closed-by-theirs', o, t, false],
                ['unused-ours-closed-by-ours', o, o, false],
                ['unused-theirs-closed-by-theirs', t, t, false],
              ] as const;
              for (const [label, creator] of channels) await creator.createDataChannel(label);
              for (const [label, creator] of channels) {
                await (creator === o ? t : o).waitRemoteChannel(label);
                await creator.waitChannelOpen(label);
              }
              for (const [label, , , used] of channels) if (used) await exchange(o, t, label, 2);
              for (const [label, , closer] of channels) {
                const other = closer === o ? t : o;
                await closer.closeChannel(label);
                expect(await other.waitChannelClosed(label), `${other.name}: '${label}'`).toEqual(closed);
                // The closer's end is closed once the peer has reset its stream too (RFC 8831 §6.7).
                expect(await closer.waitChannelClosed(label), `${closer.name}: '${label}'`).toEqual(closed);
              }
              await exchange(o, t, 'survivor', 3);
              // Channels opened after the closes (stream ids may be reused) work.
              await o.createDataChannel('after-close-ours');
              await t.createDataChannel('after-close-theirs');
              await t.waitRemoteChannel('after-close-ours');
              await o.waitRemoteChannel('after-close-theirs');
              await exchange(o, t, 'after-close-ours', 3);
              await exchange(o, t, 'after-close-theirs', 3);
            },
          );

          scenario(
            'vanish',
            `a ${theirs} peer that vanishes: ours goes disconnected, then failed`,
            async (ctx) => {
              await connect(ctx, 'doomed', { creator: ctx.offerer });
              await exchange(ctx.ours, ctx.theirs, 'doomed', 2);
              const before = await ctx.ours.status();
              await ctx.theirs.vanish();
              // Ours runs with short consent timeouts (node-peers.ts SHORT_CONSENT); a third-party
              // stack in ours' place (PURERTC_INTEROP_OURS) keeps its own, about 30 s.
              const guard = ours === 'ours' ? 30_000 : 60_000;
              const { connectionStates: c0, iceConnectionStates: i0 } = before;
              const conn = await ctx.ours.waitState('connectionState', 'failed', c0.length, guard);
              // (libwebrtc in ours' place reports connectionState 'failed' but leaves
              // iceConnectionState at 'disconnected'; only ours is held to the exact sequence.)
              if (ours === 'ours') {
                const ice = await ctx.ours.waitState('iceConnectionState', 'failed', i0.length, guard);
                expect(ice.slice(i0.length), 'iceConnectionState after the vanishing').toEqual([
                  'disconnected',
                  'failed',
                ]);
                expect(conn.slice(c0.length), 'connectionState after the vanishing').toEqual([
                  'disconnected',
                  'failed',
                ]);
              }
            },
            120_000,
          );

          const restart = async (ctx: Ctx, initiator: PeerDriver, trickle: boolean): Promise<void> => {
            const other = initiator === ctx.ours ? ctx.theirs : ctx.ours;
            await connect(ctx, 'before', { creator: ctx.offerer, trickle });
            const [i0, o0] = [await initiator.status(), await other.status()];
            await initiator.restartIce();
            await ctx.pair.negotiate(initiator, { trickle });
            const [i1, o1] = [await initiator.status(), await other.status()];
            // New ICE credentials on both sides: the restart happened.
            expect(i1.localUfrag).not.toBe(i0.localUfrag);
            expect(o1.localUfrag).not.toBe(o0.localUfrag);
            expect(i1.remoteUfrag).toBe(o1.localUfrag);
            expect(o1.remoteUfrag).toBe(i1.localUfrag);
            await exchange(ctx.ours, ctx.theirs, 'before', 5);
            await initiator.createDataChannel('after');
            await other.waitRemoteChannel('after');
            await exchange(ctx.ours, ctx.theirs, 'after', 5);
            const s = await ctx.ours.status();
            expect([s.connectionState, s.iceConnectionState]).toEqual([
              'connected',
              expect.stringMatching(/^(connected|completed)$/),
            ]);
          };

          scenario(
            'restart-from-ours',
            'restartIce from ours (full SDP): data flows after the restart',
            (ctx) => restart(ctx, ctx.ours, false),
          );
          scenario(
            'restart-from-theirs',
            `restartIce from ${theirs} (trickled candidates): data flows after the restart`,
            (ctx) => restart(ctx, ctx.theirs, true),
          );

          const renegotiate = async (ctx: Ctx, initiator: PeerDriver): Promise<void> => {
            const other = initiator === ctx.offerer ? ctx.answerer : ctx.offerer;
            await connect(ctx, 'first', { creator: ctx.offerer });
            const [i0, o0] = [await initiator.status(), await other.status()];
            await initiator.createDataChannel('second');
            await ctx.pair.negotiate(initiator);
            const [i1, o1] = [await initiator.status(), await other.status()];
            expect([i1.signalingState, o1.signalingState]).toEqual(['stable', 'stable']);
            // No ICE restart was asked for: the credentials stay.
            expect([i1.localUfrag, o1.localUfrag]).toEqual([i0.localUfrag, o0.localUfrag]);
            await other.waitRemoteChannel('second');
            await exchange(ctx.ours, ctx.theirs, 'first', 3);
            await exchange(ctx.ours, ctx.theirs, 'second', 3);
            await other.createDataChannel('third');
            await initiator.waitRemoteChannel('third');
            await exchange(ctx.ours, ctx.theirs, 'third', 3);
          };

          scenario(
            'renegotiate-from-offerer',
            'a second offer/answer from the offerer after connecting; channels created after it work',
            (ctx) => renegotiate(ctx, ctx.offerer),
          );
          scenario(
            'renegotiate-from-answerer',
            'a second offer/answer from the answerer (roles swap); channels created after it work',
            (ctx) => renegotiate(ctx, ctx.answerer),
          );

          scenario(
            'negotiationneeded-first',
            'negotiationneeded for the first channel drives the first negotiation',
            async (ctx) => {
              const x = ctx.offerer;
              await x.createDataChannel('nn');
              await x.waitNegotiationNeeded(1);
              await ctx.pair.negotiate(x);
              await ctx.answerer.waitRemoteChannel('nn');
              await x.waitChannelOpen('nn');
              await exchange(ctx.ours, ctx.theirs, 'nn', 3);
            },
          );

          scenario(
            'negotiationneeded-restart',
            'negotiationneeded after restartIce() drives a second negotiation; data flows after it',
            async (ctx) => {
              const x = ctx.offerer;
              await connect(ctx, 'nn', { creator: x });
              const before = await x.status();
              await x.restartIce();
              await x.waitNegotiationNeeded(before.negotiationNeeded + 1);
              await ctx.pair.negotiate(x);
              expect((await x.status()).localUfrag).not.toBe(before.localUfrag);
              await exchange(ctx.ours, ctx.theirs, 'nn', 3);
            },
          );
        },
      );
    }
  });
}

/**
 * Both ends of one channel report the same stream id. Ours must always know it once the channel
 * is open; a third-party peer that does not tell (null) is not held to it.
 */
function expectSameId(ctx: Ctx, [p, a]: [PeerDriver, ChannelInfo], [q, b]: [PeerDriver, ChannelInfo]): void {
  for (const [peer, info] of [
    [p, a],
    [q, b],
  ] as const) {
    if (peer === ctx.ours) expect(info.id, `${peer.name}: id of '${info.label}'`).not.toBeNull();
  }
  if (a.id !== null && b.id !== null) expect(a.id, `ids of '${a.label}' at both ends`).toBe(b.id);
}

function series(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => stringMessage(prefix, i));
}

/**
 * Opens `label` from `creator` over a fresh connection (the offerer offers) and waits until it is
 * open on both sides. When the creator is the answerer, the offerer opens a channel of its own
 * too (an offer needs one to have a data section at all); ours then creates its channel before
 * the offer arrives (its stream id waits for the DTLS role), a third-party answerer once
 * connected (node-datachannel's polyfill starts an offer of its own on createDataChannel, and
 * the glare that follows can leave ICE checking forever).
 */
async function connect(
  ctx: Ctx,
  label: string,
  o: { creator: PeerDriver; trickle?: boolean },
): Promise<void> {
  const other = o.creator === ctx.ours ? ctx.theirs : ctx.ours;
  const early = o.creator === ctx.offerer || o.creator === ctx.ours;
  if (early) await o.creator.createDataChannel(label);
  if (o.creator === ctx.answerer) await ctx.offerer.createDataChannel(`${label}-bootstrap`);
  await ctx.pair.negotiate(ctx.offerer, { trickle: o.trickle === true });
  if (!early) await o.creator.createDataChannel(label);
  await other.waitRemoteChannel(label);
  await o.creator.waitChannelOpen(label);
}

/**
 * Once `label` is open at both ends, `n` strings each way on it, all received (in order unless
 * `ordered` is false).
 */
async function exchange(
  a: PeerDriver,
  b: PeerDriver,
  label: string,
  n: number,
  ordered = true,
): Promise<void> {
  await Promise.all([a.waitChannelOpen(label), b.waitChannelOpen(label)]);
  const pa = `${label}:${a.name}>`;
  const pb = `${label}:${b.name}>`;
  await Promise.all([a.sendStrings(label, pa, n), b.sendStrings(label, pb, n)]);
  // A few messages: the agents' default guard (15 s) is plenty even for werift.
  const [atB, atA] = await Promise.all([b.waitStrings(label, n), a.waitStrings(label, n)]);
  const order = (l: string[]): string[] => (ordered ? l : [...l].sort());
  expect(order(atB), `${label}: what ${b.name} received`).toEqual(order(series(pa, n)));
  expect(order(atA), `${label}: what ${a.name} received`).toEqual(order(series(pb, n)));
}
