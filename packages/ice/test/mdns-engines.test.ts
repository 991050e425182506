/**
 * The sans-IO resolver and responder on a virtual clock over a simulated link: resolution,
 * retransmission and timeout (RFC 6762 §5.2), TTLs, goodbyes and cache-flush (§10), caps, letter
 * case (§16), and the responder's rules: unique records, NSEC denials (§6.1), known-answer
 * suppression (§7.1), the one-second multicast limit (§6), QU (§5.4), legacy unicast (§6.7) and
 * announcements (§8.3).
 */
import { describe, expect, it } from 'vitest';
import {
  addressRecord,
  DnsClass,
  DnsFlag,
  DnsType,
  decodeDnsMessage,
  encodeDnsMessage,
  MdnsError,
  MdnsResolver,
  type MdnsResolverOptions,
  MdnsResponder,
  type MdnsResponderOptions,
  mdnsGroup,
  preferredAddress,
} from '../src/index.js';
import { SimLink } from './support/mdns-link.js';

const NAME = 'ac3f6f0e-3b4c-4d84-a3d4-5d2b8e3f2a11.local';
const NAME2 = 'b1d2c3e4-0000-4000-8000-000000000002.local';
const QUERIER = '192.168.1.10';
const RESPONDER = '192.168.1.20';

function setup(
  resolverOptions: MdnsResolverOptions = {},
  responderOptions: MdnsResponderOptions = {},
): { link: SimLink; resolver: MdnsResolver; responder: MdnsResponder } {
  const link = new SimLink();
  const resolver = new MdnsResolver(resolverOptions);
  const names = [NAME, NAME2];
  const responder = new MdnsResponder({
    announce: false,
    generateName: () => names.shift() as string,
    ...responderOptions,
  });
  link.add({ address: QUERIER, family: 'IPv4', resolver });
  link.add({ address: RESPONDER, family: 'IPv4', responder });
  return { link, resolver, responder };
}

describe('MdnsResolver with a responder on the link', () => {
  it('resolves a registered name with one query and one multicast answer', () => {
    const { link, resolver, responder } = setup();
    expect(responder.register('192.168.1.20', 0)).toBe(NAME);
    resolver.resolve(NAME, 0);
    link.pump();
    expect(link.events).toEqual([
      { type: 'resolved', name: NAME, address: '192.168.1.20', addresses: ['192.168.1.20'] },
    ]);
    const [query] = link.queries();
    // One query for A and AAAA, ID 0, no flags, QM (RFC 6762 §5.2, §18).
    expect(query?.to).toBe('multicast');
    expect(query?.message.id).toBe(0);
    expect(query?.message.flags).toBe(0);
    expect(query?.message.questions.map((q) => [q.name, q.type, q.unicastResponse])).toEqual([
      [NAME, DnsType.A, false],
      [NAME, DnsType.AAAA, false],
    ]);
    const [answer] = link.responses();
    expect(answer?.to).toBe('multicast');
    expect(answer?.message.flags).toBe(DnsFlag.QR | DnsFlag.AA);
    expect(answer?.message.questions).toEqual([]); // RFC 6762 §6: no questions in responses
    expect(answer?.message.answers[0]).toMatchObject({
      name: NAME,
      type: DnsType.A,
      cacheFlush: true,
      ttl: 120,
      address: '192.168.1.20',
    });
    // The AAAA half of the query is denied by NSEC in Additional (RFC 6762 §6.1).
    expect(answer?.message.additionals.map((r) => r.type)).toEqual([DnsType.NSEC]);
    expect(resolver.pendingCount).toBe(0);
    expect(resolver.pollTimeout()).toBeUndefined();
  });

  it('resolves IPv6 registrations with AAAA', () => {
    const { link, resolver, responder } = setup();
    responder.register('fd00:0:0:0::2', 0);
    resolver.resolve(NAME, 0);
    link.pump();
    expect(link.events[0]).toMatchObject({ type: 'resolved', address: 'fd00::2' });
    expect(link.responses()[0]?.message.answers[0]?.type).toBe(DnsType.AAAA);
  });

  it('matches names case-insensitively both ways', () => {
    const { link, resolver, responder } = setup();
    responder.register('192.168.1.20', 0);
    resolver.resolve(NAME.toUpperCase().replace('.LOCAL', '.Local'), 0);
    link.pump();
    expect(link.events[0]).toMatchObject({ type: 'resolved', address: '192.168.1.20' });

    const upper = setup({}, { generateName: () => NAME.toUpperCase() });
    upper.responder.register('10.0.0.9', 0);
    upper.resolver.resolve(NAME, 0);
    upper.link.pump();
    expect(upper.link.events[0]).toMatchObject({ type: 'resolved', name: NAME, address: '10.0.0.9' });
  });

  it('prefers the first IPv6 address when a name has both (draft-ietf-mmusic-mdns-ice-candidates)', () => {
    const resolver = new MdnsResolver();
    resolver.resolve(NAME, 0);
    resolver.pollTransmit();
    const response = encodeDnsMessage({
      flags: DnsFlag.QR | DnsFlag.AA,
      answers: [addressRecord(NAME, '192.168.1.20', 120), addressRecord(NAME, 'fe80::20', 120)],
    });
    resolver.handleInput(response, { family: 'IPv4', address: RESPONDER, port: 5353 }, 10);
    expect(resolver.pollEvent()).toEqual({
      type: 'resolved',
      name: NAME,
      address: 'fe80::20',
      addresses: ['192.168.1.20', 'fe80::20'],
    });
    expect(preferredAddress(['10.0.0.1'])).toBe('10.0.0.1');
    expect(preferredAddress([])).toBeUndefined();
  });

  it('retransmits after 1 s and 2 s more, then fails at 5 s with TIMEOUT', () => {
    const { link, resolver } = setup();
    resolver.resolve(NAME, 0);
    expect(resolver.pollTimeout()).toBe(1000); // the first query went out at once
    link.advance(10_000);
    expect(link.queries().map((q) => q.at)).toEqual([0, 1000, 3000]);
    expect(link.events).toEqual([{ type: 'failed', name: NAME, reason: 'TIMEOUT' }]);
    expect(resolver.pendingCount).toBe(0);
  });

  it('honours a custom schedule and queries every family it was given', () => {
    const { link, resolver } = setup({ retransmitInterval: 250, timeout: 2000, families: ['IPv4', 'IPv6'] });
    resolver.resolve(NAME, 0);
    const sent: string[] = [];
    for (let t = resolver.pollTransmit(); t !== undefined; t = resolver.pollTransmit())
      sent.push(t.destination.address);
    expect(sent).toEqual([mdnsGroup('IPv4').address, mdnsGroup('IPv6').address]);
    link.advance(5000);
    // One copy per family each time.
    expect(link.queries().map((q) => q.at)).toEqual([250, 250, 750, 750, 1750, 1750]);
    expect(link.events[0]).toMatchObject({ type: 'failed', reason: 'TIMEOUT' });
    expect(resolver.stats.queriesSent).toBe(8);
  });

  it('resolves when the responder appears between retransmissions', () => {
    const { link, resolver, responder } = setup();
    resolver.resolve(NAME, 0);
    link.advance(1500);
    responder.register('192.168.1.20', 1500);
    link.advance(10_000);
    expect(link.queries().map((q) => q.at)).toEqual([0, 1000, 3000]);
    expect(link.events).toEqual([
      { type: 'resolved', name: NAME, address: '192.168.1.20', addresses: ['192.168.1.20'] },
    ]);
  });

  it('survives a lost answer: the retransmission gets the next one', () => {
    const { link, resolver, responder } = setup();
    responder.register('192.168.1.20', 0);
    link.down = true;
    resolver.resolve(NAME, 0);
    link.pump();
    link.down = false;
    link.advance(1000);
    expect(link.events[0]).toMatchObject({ type: 'resolved', address: '192.168.1.20' });
    expect(link.queries().map((q) => q.at)).toEqual([0, 1000]);
  });

  it('answers from the cache until the TTL runs out, then queries again', () => {
    const { link, resolver, responder } = setup({}, { ttl: 10 });
    responder.register('192.168.1.20', 0);
    resolver.resolve(NAME, 0);
    link.pump();
    link.advance(9_999);
    expect(resolver.lookup(NAME, link.now)).toEqual(['192.168.1.20']);
    resolver.resolve(NAME, link.now);
    link.pump();
    expect(link.queries()).toHaveLength(1); // from the cache, no query
    expect(link.events).toHaveLength(2);
    link.advance(10_000);
    expect(resolver.lookup(NAME, link.now)).toBeUndefined();
    resolver.resolve(NAME, link.now);
    link.pump();
    expect(link.queries()).toHaveLength(2);
    expect(link.events[2]).toMatchObject({ type: 'resolved', address: '192.168.1.20' });
  });

  it('drops a record one second after a goodbye (TTL 0, RFC 6762 §10.1)', () => {
    const { link, resolver, responder } = setup();
    responder.register('192.168.1.20', 0);
    resolver.resolve(NAME, 0);
    link.pump();
    link.advance(5000);
    expect(responder.unregister(NAME.toUpperCase())).toBe(true);
    link.pump();
    const goodbye = link.responses().at(-1);
    expect(goodbye?.message.answers[0]).toMatchObject({ ttl: 0, address: '192.168.1.20' });
    expect(resolver.lookup(NAME, 5999)).toEqual(['192.168.1.20']);
    expect(resolver.lookup(NAME, 6000)).toBeUndefined();
    expect(responder.unregister(NAME)).toBe(false);
  });

  it('a goodbye does not resolve a pending name', () => {
    const resolver = new MdnsResolver();
    resolver.resolve(NAME, 0);
    const goodbye = encodeDnsMessage({ flags: 0x8400, answers: [addressRecord(NAME, '10.0.0.1', 0)] });
    resolver.handleInput(goodbye, { family: 'IPv4', address: RESPONDER, port: 5353 }, 5);
    expect(resolver.pollEvent()).toBeUndefined();
    expect(resolver.pendingCount).toBe(1);
  });

  it('a cache-flush record replaces older addresses of its name after one second (RFC 6762 §10.2)', () => {
    const resolver = new MdnsResolver();
    const from = { family: 'IPv4' as const, address: RESPONDER, port: 5353 };
    const answer = (address: string, flush: boolean) =>
      encodeDnsMessage({ flags: 0x8400, answers: [addressRecord(NAME, address, 120, flush)] });
    resolver.resolve(NAME, 0);
    resolver.handleInput(answer('10.0.0.1', true), from, 0);
    // Within the same second, a second cache-flush record adds to the set (one announcement).
    resolver.handleInput(answer('10.0.0.2', true), from, 500);
    expect(resolver.lookup(NAME, 600)).toEqual(['10.0.0.1', '10.0.0.2']);
    // Later, it flushes what came before, one second on.
    resolver.handleInput(answer('10.0.0.3', true), from, 5000);
    expect(resolver.lookup(NAME, 5999)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(resolver.lookup(NAME, 6000)).toEqual(['10.0.0.3']);
    // Without the bit, records accumulate.
    resolver.handleInput(answer('10.0.0.4', false), from, 7000);
    expect(resolver.lookup(NAME, 9000)).toEqual(['10.0.0.3', '10.0.0.4']);
  });

  it('joins duplicate resolves into one query and one event', () => {
    const { link, resolver } = setup();
    resolver.resolve(NAME, 0);
    resolver.resolve(NAME.toUpperCase(), 0);
    link.advance(100);
    expect(link.queries()).toHaveLength(1);
    expect(resolver.pendingCount).toBe(1);
    expect(resolver.cancel(NAME)).toBe(true);
    expect(resolver.cancel(NAME)).toBe(false);
    link.advance(10_000);
    expect(link.events).toEqual([]);
  });

  it('fails names it must not send to the link with INVALID_NAME', () => {
    const resolver = new MdnsResolver();
    for (const name of [
      'example.com',
      'local',
      '.local',
      `${'x'.repeat(64)}.local`,
      'a..local',
      'x\\.local',
    ]) {
      resolver.resolve(name, 0);
      expect(resolver.pollEvent()).toEqual({ type: 'failed', name, reason: 'INVALID_NAME' });
    }
    expect(resolver.pollTransmit()).toBeUndefined();
  });

  it('caps pending names with OVERLOADED, cached names and addresses per name', () => {
    const resolver = new MdnsResolver({ maxPending: 2, maxCacheNames: 2, maxAddressesPerName: 2 });
    resolver.resolve('a.local', 0);
    resolver.resolve('b.local', 0);
    resolver.resolve('c.local', 0);
    expect(resolver.pollEvent()).toEqual({ type: 'failed', name: 'c.local', reason: 'OVERLOADED' });
    expect(resolver.pendingCount).toBe(2);

    const from = { family: 'IPv4' as const, address: RESPONDER, port: 5353 };
    const reply = (name: string, ...addresses: string[]) =>
      resolver.handleInput(
        encodeDnsMessage({
          flags: 0x8400,
          answers: addresses.map((a) => addressRecord(name, a, 120, false)),
        }),
        from,
        10,
      );
    reply('a.local', '10.0.0.1', '10.0.0.2', '10.0.0.3');
    reply('b.local', '10.0.0.4');
    expect(resolver.lookup('a.local', 20)).toEqual(['10.0.0.1', '10.0.0.2']);
    resolver.resolve('c.local', 20);
    reply('c.local', '10.0.0.5');
    // The oldest entry made room.
    expect(resolver.lookup('a.local', 30)).toBeUndefined();
    expect(resolver.lookup('b.local', 30)).toEqual(['10.0.0.4']);
    expect(resolver.lookup('c.local', 30)).toEqual(['10.0.0.5']);
  });

  it('ignores records of names it did not ask for, bad ports, non-zero RCODE/OPCODE and other classes', () => {
    const resolver = new MdnsResolver();
    const from = { family: 'IPv4' as const, address: RESPONDER, port: 5353 };
    const answer = encodeDnsMessage({ flags: 0x8400, answers: [addressRecord(NAME, '10.0.0.1', 120)] });
    resolver.handleInput(answer, from, 0);
    expect(resolver.lookup(NAME, 1)).toBeUndefined(); // unsolicited: not cached

    resolver.resolve(NAME, 0);
    resolver.handleInput(answer, { ...from, port: 40000 }, 1); // RFC 6762 §6: source port must be 5353
    resolver.handleInput(
      encodeDnsMessage({ flags: 0x8403, answers: [addressRecord(NAME, '10.0.0.1', 120)] }),
      from,
      1,
    );
    resolver.handleInput(
      encodeDnsMessage({ flags: 0x8400 | (1 << 11), answers: [addressRecord(NAME, '10.0.0.1', 120)] }),
      from,
      1,
    );
    const chaos = { ...addressRecord(NAME, '10.0.0.1', 120), class: 3 };
    resolver.handleInput(encodeDnsMessage({ flags: 0x8400, answers: [chaos] }), from, 1);
    resolver.handleInput(new Uint8Array([1, 2, 3]), from, 1);
    expect(resolver.pollEvent()).toBeUndefined();
    expect(resolver.stats).toMatchObject({ ignored: 3, malformed: 1 });
    // An answer in the Additional section counts (RFC 6762 §6).
    resolver.handleInput(
      encodeDnsMessage({ flags: 0x8400, additionals: [addressRecord(NAME, '10.0.0.1', 120)] }),
      from,
      2,
    );
    expect(resolver.pollEvent()).toMatchObject({ type: 'resolved', address: '10.0.0.1' });
  });

  it('sets the QU bit when asked to', () => {
    const resolver = new MdnsResolver({ unicastResponse: true });
    resolver.resolve(NAME, 0);
    const query = decodeDnsMessage(resolver.pollTransmit()?.data as Uint8Array);
    expect(query.questions.every((q) => q.unicastResponse)).toBe(true);
  });
});

describe('MdnsResponder', () => {
  const from = { family: 'IPv4' as const, address: QUERIER, port: 5353 };
  const query = (name: string, type: number, options: { qu?: boolean; id?: number; known?: number } = {}) =>
    encodeDnsMessage({
      id: options.id ?? 0,
      questions: [{ name, type, class: DnsClass.IN, unicastResponse: options.qu ?? false }],
      answers: options.known === undefined ? [] : [addressRecord(name, '192.168.1.20', options.known)],
    });
  const responder = (options: MdnsResponderOptions = {}) => {
    const r = new MdnsResponder({ announce: false, generateName: () => NAME, ...options });
    r.register('192.168.1.20', 0);
    return r;
  };
  const drain = (r: MdnsResponder) => {
    const out = [];
    for (let t = r.pollTransmit(); t !== undefined; t = r.pollTransmit())
      out.push({ ...t, message: decodeDnsMessage(t.data) });
    return out;
  };

  it('names are fresh v4 UUIDs under .local, one per address', () => {
    const r = new MdnsResponder({ announce: false });
    const name = r.register('192.168.1.20', 0);
    expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.local$/);
    expect(r.register('192.168.1.20', 5)).toBe(name);
    expect(r.register('fd00::0:2', 5)).not.toBe(name);
    expect(r.register('fd00::2', 5)).toBe(r.nameOf('fd00:0::2'));
    expect(r.addressOf(name.toUpperCase())).toBe('192.168.1.20');
    expect(r.names()).toHaveLength(2);
    expect(() => r.register('not-an-ip', 0)).toThrow(/not an IPv4 or IPv6 address/);
  });

  it('caps registrations with MdnsError OVERLOADED', () => {
    const r = new MdnsResponder({ announce: false, maxNames: 1 });
    r.register('10.0.0.1', 0);
    expect(() => r.register('10.0.0.2', 0)).toThrow(MdnsError);
    expect(() => r.register('10.0.0.2', 0)).toThrow(/OVERLOADED/);
  });

  it('ignores other names, responses, other OPCODEs and classes, and malformed datagrams', () => {
    const r = responder();
    r.handleInput(query('someone-else.local', DnsType.A), from, 1);
    r.handleInput(
      encodeDnsMessage({ flags: 0x8400, answers: [addressRecord(NAME, '10.9.9.9', 120)] }),
      from,
      1,
    );
    r.handleInput(
      encodeDnsMessage({
        flags: 1 << 11,
        questions: [{ name: NAME, type: 1, class: 1, unicastResponse: false }],
      }),
      from,
      1,
    );
    r.handleInput(
      encodeDnsMessage({ questions: [{ name: NAME, type: 1, class: 3, unicastResponse: false }] }),
      from,
      1,
    );
    r.handleInput(new Uint8Array([0, 0, 0]), from, 1);
    expect(drain(r)).toEqual([]);
    expect(r.stats.malformed).toBe(1);
  });

  it('denies a type the name lacks with an NSEC answer (RFC 6762 §6.1)', () => {
    const r = responder();
    r.handleInput(query(NAME, DnsType.AAAA), from, 1);
    const [out] = drain(r);
    expect(out?.message.answers.map((a) => a.type)).toEqual([DnsType.NSEC]);
    expect(out?.message.answers[0]?.cacheFlush).toBe(true);
  });

  it('answers ANY with the address record', () => {
    const r = responder();
    r.handleInput(query(NAME, DnsType.ANY), from, 1);
    expect(drain(r)[0]?.message.answers[0]?.address).toBe('192.168.1.20');
  });

  it('suppresses an answer the querier already knows with half the TTL left (RFC 6762 §7.1)', () => {
    const r = responder();
    r.handleInput(query(NAME, DnsType.A, { known: 60 }), from, 1);
    expect(drain(r)).toEqual([]);
    expect(r.stats.suppressed).toBe(1);
    r.handleInput(query(NAME, DnsType.A, { known: 59 }), from, 2);
    expect(drain(r)).toHaveLength(1);
  });

  it('multicasts a record at most once a second per family (RFC 6762 §6)', () => {
    const r = responder();
    r.handleInput(query(NAME, DnsType.A), from, 0);
    r.handleInput(query(NAME, DnsType.A), from, 999);
    expect(drain(r)).toHaveLength(1);
    r.handleInput(query(NAME, DnsType.A), { ...from, family: 'IPv6', address: 'fe80::10' }, 999);
    const [v6] = drain(r);
    expect(v6?.destination).toEqual(mdnsGroup('IPv6'));
    r.handleInput(query(NAME, DnsType.A), from, 1000);
    expect(drain(r)).toHaveLength(1);
  });

  it('answers QU by unicast if it multicast the record within a quarter TTL, else by multicast (RFC 6762 §5.4)', () => {
    const r = responder();
    r.handleInput(query(NAME, DnsType.A, { qu: true }), from, 0);
    expect(drain(r)[0]?.destination).toEqual(mdnsGroup('IPv4'));
    r.handleInput(query(NAME, DnsType.A, { qu: true }), from, 500);
    const [unicast] = drain(r);
    expect(unicast?.destination).toEqual(from);
    expect(unicast?.message.answers[0]).toMatchObject({ cacheFlush: true, ttl: 120 });
    r.handleInput(query(NAME, DnsType.A, { qu: true }), from, 30_001);
    expect(drain(r)[0]?.destination).toEqual(mdnsGroup('IPv4'));
  });

  it('answers a legacy resolver (source port not 5353) the conventional DNS way (RFC 6762 §6.7)', () => {
    const r = responder();
    const legacy = { ...from, port: 40000 };
    r.handleInput(query(NAME.toUpperCase(), DnsType.A, { id: 0x4242 }), legacy, 1);
    const [out] = drain(r);
    expect(out?.destination).toEqual(legacy);
    expect(out?.message.id).toBe(0x4242);
    expect(out?.message.questions).toEqual([
      { name: NAME.toUpperCase(), type: DnsType.A, class: DnsClass.IN, unicastResponse: false },
    ]);
    expect(out?.message.answers[0]).toMatchObject({ ttl: 10, cacheFlush: false, address: '192.168.1.20' });
  });

  it('announces a new name twice, one second apart, on every family (RFC 6762 §8.3)', () => {
    const link = new SimLink();
    const r = new MdnsResponder({ families: ['IPv4', 'IPv6'], generateName: () => NAME });
    link.add({ address: RESPONDER, family: 'IPv4', responder: r });
    r.register('192.168.1.20', 0);
    expect(r.pollTimeout()).toBe(1000);
    link.advance(5000);
    // One copy per family each time.
    expect(link.responses().map((d) => [d.at, d.to])).toEqual([
      [0, 'multicast'],
      [0, 'multicast'],
      [1000, 'multicast'],
      [1000, 'multicast'],
    ]);
    expect(link.responses()[0]?.message.answers[0]).toMatchObject({ name: NAME, cacheFlush: true, ttl: 120 });
    expect(r.pollTimeout()).toBeUndefined();
    const r2 = new MdnsResponder({ families: ['IPv4', 'IPv6'] });
    r2.register('10.0.0.1', 0);
    expect([r2.pollTransmit(), r2.pollTransmit()].map((t) => t?.destination.address)).toEqual([
      '224.0.0.251',
      'ff02::fb',
    ]);
    // A resolver that starts during the announcements is answered by the second one.
    const late = setup({}, { announce: true });
    late.responder.register('192.168.1.20', 0);
    late.link.pump();
    late.link.advance(10);
    late.resolver.resolve(NAME, 10);
    late.link.advance(5000);
    expect(late.link.events[0]).toMatchObject({ type: 'resolved' });
    expect(late.link.queries().map((q) => q.at)).toEqual([10]);
    expect(late.link.responses().map((q) => q.at)).toEqual([0, 1000]);
  });
});
