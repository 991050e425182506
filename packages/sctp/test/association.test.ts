import { describe, expect, it } from 'vitest';
import { AssociationState } from '../src/index.js';
import { connect, eventsOf, makePair, text } from './support/pair.js';

describe('association handshake', () => {
  for (const initiator of ['a', 'b', 'both'] as const) {
    it(`establishes with ${initiator} initiating`, () => {
      const link = makePair();
      connect(link, initiator);
      expect(link.a.state).toBe(AssociationState.Established);
      expect(link.b.state).toBe(AssociationState.Established);
    });
  }

  it('carries channel open and messages both ways', () => {
    const link = makePair();
    connect(link);
    const ch = link.a.createChannel({ label: 'chat', protocol: 'p' }, link.now);
    expect(ch.id % 2).toBe(0);
    link.a.send(ch.id, 'hello', undefined, link.now);
    link.run(() => eventsOf(link, 'b', 'message').length === 1, 10_000);
    const open = eventsOf(link, 'b', 'channel-open')[0];
    expect(open).toMatchObject({ id: ch.id, label: 'chat', protocol: 'p', remote: true, ordered: true });
    const m = eventsOf(link, 'b', 'message')[0];
    expect(m?.binary).toBe(false);
    expect(text(m?.data as Uint8Array)).toBe('hello');
    link.b.send(ch.id, new Uint8Array([1, 2, 3]), undefined, link.now);
    link.run(() => eventsOf(link, 'a', 'message').length === 1, 10_000);
    expect(Array.from(eventsOf(link, 'a', 'message')[0]?.data ?? [])).toEqual([1, 2, 3]);
  });
});
