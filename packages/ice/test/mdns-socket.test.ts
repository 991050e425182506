/**
 * MdnsService on real sockets and real multicast (224.0.0.251:5353):
 *
 * - in this process, two services on the host's own network stack: one registers an address
 *   under a UUID name, the other resolves it. Whether the host can multicast at all is probed
 *   first with plain node:dgram; where it cannot, the service must fail with a typed MdnsError;
 * - across a veth link between two Linux network namespaces (root; CI runs as root), one child
 *   process per side, IPv4 and IPv6 groups: a LAN of two hosts, built and torn down by the test;
 * - the failure modes, for real: a namespace without a multicast route (open: NO_MULTICAST) and
 *   one whose firewall drops multicast (resolve: SEND_FAILED with EPERM as the cause).
 *
 * Under CI the namespace tests must run: a missing `ip` or root is a failure, not a skip.
 */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MdnsError, MdnsService } from '../src/index.js';
import { hasIptables, Namespaces, netnsUnavailable, reapStaleNamespaces } from './support/mdns-netns.js';

const ci = process.env['CI'] !== undefined && !['', '0', 'false'].includes(process.env['CI']);

/** Whether a datagram sent to 224.0.0.251 comes back through multicast loopback (plain node:dgram). */
async function hostCanMulticast(): Promise<boolean> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => resolve());
    });
    socket.addMembership('224.0.0.251');
    socket.setMulticastLoopback(true);
    const port = socket.address().port;
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1500);
      socket.on('message', (m) => {
        if (m.toString() !== 'purertc-probe') return;
        clearTimeout(timer);
        resolve(true);
      });
      socket.send('purertc-probe', port, '224.0.0.251', (err) => {
        if (err) {
          clearTimeout(timer);
          resolve(false);
        }
      });
    });
  } catch {
    return false;
  } finally {
    socket.close();
  }
}

const UUID_LOCAL = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.local$/;

describe('MdnsService in this process, on the host network', () => {
  let multicast = false;
  const services: MdnsService[] = [];
  const open = async (options?: Parameters<typeof MdnsService.open>[0]) => {
    const s = await MdnsService.open(options);
    services.push(s);
    return s;
  };

  beforeAll(async () => {
    multicast = await hostCanMulticast();
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
  });

  it('resolves a name registered by another service over multicast, or fails typed where there is none', async () => {
    if (!multicast) {
      // This host cannot loop multicast back (no route, no interface): the service must say so
      // with a typed error, at open (NO_MULTICAST) or when resolving (SEND_FAILED / TIMEOUT).
      const err = await (async () => {
        const a = await open({ responder: { announce: false } });
        const b = await open({ resolver: { timeout: 1500 } });
        await b.resolve(a.register('127.0.0.1'));
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MdnsError);
      expect(['NO_MULTICAST', 'SEND_FAILED', 'TIMEOUT']).toContain((err as MdnsError).code);
      return;
    }
    // Announcements off, so the name is found by a query and its answer, not by an announcement.
    const a = await open({ responder: { announce: false } });
    const b = await open({ resolver: { timeout: 4000 } });
    expect(a.families).toContain('IPv4');
    const name = a.register('127.0.0.1');
    expect(name).toMatch(UUID_LOCAL);
    expect(await b.resolve(name.toUpperCase().replace('.LOCAL', '.local'))).toBe('127.0.0.1');
    expect(a.responder.stats.answered).toBeGreaterThanOrEqual(1);
    expect(b.resolver.stats.queriesSent).toBeGreaterThanOrEqual(1);
    // Cached now: a second resolve sends nothing.
    const sent = b.resolver.stats.queriesSent;
    expect(await b.resolve(name)).toBe('127.0.0.1');
    expect(b.resolver.stats.queriesSent).toBe(sent);
  });

  it('resolves an AAAA name announced at registration', async (ctx) => {
    // Without multicast on the host, the first case covered the typed error; nothing to resolve.
    if (!multicast) ctx.skip('the host does not loop multicast back');
    const a = await open();
    const b = await open({ resolver: { timeout: 4000 } });
    const name = a.register('::1');
    expect(await b.resolve(name)).toBe('::1');
  });

  it('fails an unknown name with TIMEOUT, short-circuits its own names, and rejects after close', async (ctx) => {
    if (!multicast) ctx.skip('the host does not loop multicast back');
    const a = await open({ resolver: { timeout: 1200 } });
    const err = await a.resolve('00000000-0000-4000-8000-000000000000.local').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MdnsError);
    expect((err as MdnsError).code).toBe('TIMEOUT');
    const own = a.register('192.0.2.99');
    expect(await a.resolve(own)).toBe('192.0.2.99');
    await expect(a.resolve('example.com')).rejects.toMatchObject({ code: 'INVALID_NAME' });

    const pending = a.resolve('11111111-1111-4111-8111-111111111111.local');
    const controller = new AbortController();
    const aborted = a.resolve('22222222-2222-4222-8222-222222222222.local', { signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    await a.close();
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(a.resolve(own)).rejects.toMatchObject({ code: 'CLOSED' });
    expect(() => a.register('192.0.2.1')).toThrow(MdnsError);
  });
});

const why = netnsUnavailable();

if (why !== undefined) {
  if (ci) {
    // CI must never skip these silently: root and iproute2 are part of its setup.
    it('network namespaces are available (CI)', () => {
      expect.fail(`CI must run the namespace mDNS tests, but: ${why}`);
    });
  } else {
    console.warn(`skipping the namespace mDNS tests: ${why}`);
    it.skip(`mDNS between network namespaces (${why})`, () => {});
  }
} else
  describe('MdnsService between network namespaces (real multicast, root)', () => {
    let ns: Namespaces;
    beforeAll(async () => {
      await reapStaleNamespaces();
    });

    it('resolves IPv4 and IPv6 names across a veth link, one child process per side', async () => {
      ns = new Namespaces();
      try {
        const { a, b, ipv6 } = await ns.vethPair();
        const addresses = ipv6 ? ['10.77.0.1', 'fd77::1'] : ['10.77.0.1'];
        const responder = ns.peer(a, 'respond', '0', ...addresses);
        const { names, families } = await responder.next<{ names: string[]; families: string[] }>();
        expect(names).toHaveLength(addresses.length);
        for (const n of names) expect(n).toMatch(UUID_LOCAL);
        expect(families).toContain('IPv4');
        if (ipv6) expect(families).toContain('IPv6');

        const unknown = '33333333-3333-4333-8333-333333333333.local';
        const resolver = ns.peer(b, 'resolve', '2000', 'IPv4', ...names, unknown);
        const { results } = await resolver.next<{
          results: { name: string; address?: string; error?: string }[];
        }>();
        expect(results).toEqual([
          ...names.map((name, i) => ({ name, address: addresses[i] })),
          { name: unknown, error: 'TIMEOUT', message: `TIMEOUT: cannot resolve ${unknown}` },
        ]);
        if (ipv6) {
          // Queries and answers over the IPv6 group ff02::fb alone.
          const over6 = ns.peer(b, 'resolve', '3000', 'IPv6', ...names);
          const v6 = await over6.next<{ results: unknown[]; families: string[] }>();
          expect(v6.families).toEqual(['IPv6']);
          expect(v6.results).toEqual(names.map((name, i) => ({ name, address: addresses[i] })));
        }

        responder.finish();
        const { stats } = await responder.next<{ stats: { answered: number } }>();
        // Announcements were off: every name was found by a query that this responder answered.
        expect(stats.answered).toBeGreaterThanOrEqual(1);
      } finally {
        await ns.destroy();
      }
    });

    it('two services in one process over a loopback that carries multicast', async () => {
      ns = new Namespaces();
      try {
        const lo = await ns.loopbackMulticast();
        const result = await ns
          .peer(lo, 'pair', '127.0.0.1')
          .next<{ name: string; address?: string; answered: number }>();
        expect(result.name).toMatch(UUID_LOCAL);
        expect(result.address).toBe('127.0.0.1');
        expect(result.answered).toBeGreaterThanOrEqual(1);
      } finally {
        await ns.destroy();
      }
    });

    it('without a multicast route, open fails with NO_MULTICAST', async () => {
      ns = new Namespaces();
      try {
        const bare = await ns.create('bare');
        const result = await ns.peer(bare, 'open').next<{ error?: string; message?: string }>();
        expect(result.error).toBe('NO_MULTICAST');
        expect(result.message).toMatch(/IPv4: .*ENODEV/);
      } finally {
        await ns.destroy();
      }
    });

    it.runIf(hasIptables() || ci)(
      'when a firewall drops multicast, resolve fails with SEND_FAILED (cause EPERM)',
      async () => {
        ns = new Namespaces();
        try {
          const lo = await ns.loopbackMulticast();
          await ns.blockMulticastOutput(lo);
          const name = '44444444-4444-4444-8444-444444444444.local';
          const { results } = await ns
            .peer(lo, 'resolve', '1500', 'IPv4', name)
            .next<{ results: unknown[] }>();
          expect(results).toEqual([
            {
              name,
              error: 'SEND_FAILED',
              message: `SEND_FAILED: no mDNS query for ${name} could be sent`,
              cause: 'EPERM',
            },
          ]);
        } finally {
          await ns.destroy();
        }
      },
    );
  });
