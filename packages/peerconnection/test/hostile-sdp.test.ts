/**
 * Hostile remote descriptions and candidates. What webrtc-pc §4.4.1.5 allows as an outcome of
 * setRemoteDescription with bad content: an RTCError (OperationError) whose errorDetail is
 * 'sdp-syntax-error' and whose sdpLineNumber is the offending line, or InvalidAccessError when
 * the SDP parses but breaks a JSEP rule. Property tests (fast-check) throw random text, mutated
 * real descriptions (ours and the browser fixtures of @purertc/sdp), huge inputs and hostile
 * candidates at a peer connection, which must never throw anything else nor crash the process,
 * and must still connect afterwards.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { RTCError, type RTCPeerConnection, type RTCSessionDescriptionInit } from '../src/index.js';
import {
  errorName,
  negotiate,
  nextEvent,
  nextMessage,
  rejection,
  usePeers,
  wireCandidates,
} from './support/local-pair.js';

const peers = usePeers();

const FIXTURES = new URL('../../sdp/test/fixtures/', import.meta.url);
const fixtures: Record<string, string> = Object.fromEntries(
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.sdp'))
    .map((f) => [f, readFileSync(new URL(f, FIXTURES), 'utf8')]),
);

/** A real offer and answer of ours (a data channel, every candidate gathered), made once. */
const ours = { offer: '', answer: '' };
beforeAll(async () => {
  const { RTCPeerConnection: PC } = await import('../src/index.js');
  const a = new PC({ hostAddresses: { addresses: ['127.0.0.1'] } });
  const b = new PC({ hostAddresses: { addresses: ['127.0.0.1'] } });
  try {
    a.createDataChannel('x');
    await a.setLocalDescription();
    await new Promise<void>((r) => {
      if (a.iceGatheringState === 'complete') r();
      else a.addEventListener('icegatheringstatechange', () => a.iceGatheringState === 'complete' && r());
    });
    ours.offer = a.localDescription!.sdp;
    await b.setRemoteDescription(a.localDescription!);
    ours.answer = (await b.createAnswer()).sdp!;
  } finally {
    a.close();
    b.close();
  }
});

/** What a rejected setRemoteDescription may reject with; anything else is a bug. */
function checkRejection(error: unknown): void {
  expect(error).toBeInstanceOf(DOMException);
  const e = error as DOMException;
  if (e instanceof RTCError) {
    expect(e.name).toBe('OperationError');
    expect(e.errorDetail).toBe('sdp-syntax-error');
    return;
  }
  expect(e.name, `unexpected rejection: ${e.name}: ${e.message}`).toBe('InvalidAccessError');
}

type Outcome = { ok: true } | { ok: false; error: unknown };

async function settle(p: Promise<unknown>): Promise<Outcome> {
  try {
    await p;
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Applies `sdp` as a remote offer on `pc` (in stable) and checks the outcome. When it is
 * accepted, createAnswer must resolve or reject cleanly, and a rollback brings `pc` back to stable.
 */
async function tryOffer(pc: RTCPeerConnection, sdp: string): Promise<void> {
  const outcome = await settle(pc.setRemoteDescription({ type: 'offer', sdp }));
  if (!outcome.ok) {
    checkRejection(outcome.error);
    expect(pc.signalingState).toBe('stable');
    return;
  }
  expect(pc.signalingState).toBe('have-remote-offer');
  const answer = await settle(pc.createAnswer());
  if (!answer.ok) expect(['InvalidAccessError', 'InvalidStateError']).toContain(errorName(answer.error));
  await pc.setRemoteDescription({ type: 'rollback' });
  expect(pc.signalingState).toBe('stable');
}

/** The peer `pc` still answers a real offer and carries a message afterwards. */
async function stillWorks(pc: RTCPeerConnection): Promise<void> {
  try {
    await answerAndTalk(pc);
  } catch (e) {
    throw new Error(
      `the hostile input passed, but the peer connection no longer connects: ${(e as Error).message}`,
    );
  }
}

async function answerAndTalk(pc: RTCPeerConnection): Promise<void> {
  const other = peers.create();
  wireCandidates(other, pc);
  const dc = other.createDataChannel('after');
  const announced = nextEvent<Event & { channel: import('../src/index.js').RTCDataChannel }>(
    pc,
    'datachannel',
  );
  await negotiate(other, pc);
  const remote = (await announced).channel;
  if (dc.readyState !== 'open') await nextEvent(dc, 'open');
  const got = nextMessage(remote);
  dc.send('still works');
  expect(await got).toBe('still works');
}

/** `sdp` with line `n` (1-based) replaced, or with `text` inserted before it. */
function edit(sdp: string, op: 'replace' | 'insert' | 'delete', n: number, text = ''): string {
  const lines = sdp.replace(/\r\n$/, '').split('\r\n');
  if (op === 'replace') lines[n - 1] = text;
  else if (op === 'insert') lines.splice(n - 1, 0, text);
  else lines.splice(n - 1, 1);
  return `${lines.join('\r\n')}\r\n`;
}

function lineNumberOf(sdp: string, prefix: string): number {
  const i = sdp.split('\r\n').findIndex((l) => l.startsWith(prefix));
  expect(i, prefix).toBeGreaterThanOrEqual(0);
  return i + 1;
}

describe('syntax errors name their line (RTCError sdp-syntax-error)', () => {
  it("rejects 'Invalid SDP' with an RTCError", async () => {
    const pc = peers.create();
    const e = await rejection(pc.setRemoteDescription({ type: 'offer', sdp: 'Invalid SDP' }));
    expect(e).toBeInstanceOf(RTCError);
    expect(e).toBeInstanceOf(DOMException);
    expect((e as RTCError).name).toBe('OperationError');
    expect((e as RTCError).errorDetail).toBe('sdp-syntax-error');
    expect((e as RTCError).sdpLineNumber).toBe(1);
    expect(pc.signalingState).toBe('stable');
    expect(pc.remoteDescription).toBeNull();
  });

  it('rejects an empty or missing sdp with an RTCError', async () => {
    const pc = peers.create();
    for (const init of [{ type: 'offer', sdp: '' }, { type: 'offer' }] as RTCSessionDescriptionInit[]) {
      const e = await rejection(pc.setRemoteDescription(init));
      expect(e).toBeInstanceOf(RTCError);
      expect((e as RTCError).errorDetail).toBe('sdp-syntax-error');
    }
  });

  it('reports the line number and the line for each kind of syntax error', async () => {
    const pc = peers.create();
    const base = ours.offer;
    const m = lineNumberOf(base, 'm=');
    const cases: Array<[string, string, number]> = [
      ['unknown line type', edit(base, 'insert', 6, 'x=unknown'), 6],
      ['no <type>=', edit(base, 'insert', m + 1, 'garbage'), m + 1],
      ['bad m= port', edit(base, 'replace', m, 'm=application notaport UDP/DTLS/SCTP webrtc-datachannel'), m],
      [
        'port out of range',
        edit(base, 'replace', m, 'm=application 99999 UDP/DTLS/SCTP webrtc-datachannel'),
        m,
      ],
      ['short c=', edit(base, 'replace', m + 1, 'c=IN IP4'), m + 1],
      ['session line in a section', edit(base, 'insert', m + 1, 's=second'), m + 1],
      ['version 1', edit(base, 'replace', 1, 'v=1'), 1],
      ['bad origin', edit(base, 'replace', 2, 'o=- x'), 2],
      ['bad timing', edit(base, 'replace', 4, 't=abc'), 4],
      [
        'bad fingerprint',
        edit(base, 'replace', lineNumberOf(base, 'a=fingerprint'), 'a=fingerprint:sha-256 ZZ:TOP'),
        lineNumberOf(base, 'a=fingerprint'),
      ],
      [
        'bad setup',
        edit(base, 'replace', lineNumberOf(base, 'a=setup'), 'a=setup:sideways'),
        lineNumberOf(base, 'a=setup'),
      ],
      [
        'bad sctp-port',
        edit(base, 'replace', lineNumberOf(base, 'a=sctp-port'), 'a=sctp-port:99999'),
        lineNumberOf(base, 'a=sctp-port'),
      ],
      [
        'bad max-message-size',
        edit(base, 'replace', lineNumberOf(base, 'a=max-message-size'), 'a=max-message-size:-5'),
        lineNumberOf(base, 'a=max-message-size'),
      ],
      [
        'empty mid',
        edit(base, 'replace', lineNumberOf(base, 'a=mid'), 'a=mid:'),
        lineNumberOf(base, 'a=mid'),
      ],
      [
        'bad candidate',
        edit(base, 'insert', m + 2, 'a=candidate:1 1 udp notanumber 127.0.0.1 9 typ host'),
        m + 2,
      ],
      ['bad bandwidth', edit(base, 'insert', m + 2, 'b=AS:abc'), m + 2],
      ['a NUL inside a line', edit(base, 'insert', m + 2, 'a=x-nul:\0'), m + 2],
      ['a CR inside a line', edit(base, 'insert', m + 2, 'a=x-cr:\rhere'), m + 2],
    ];
    for (const [what, sdp, line] of cases) {
      const e = await rejection(pc.setRemoteDescription({ type: 'offer', sdp }));
      expect(e, what).toBeInstanceOf(RTCError);
      const error = e as RTCError;
      expect(error.errorDetail, what).toBe('sdp-syntax-error');
      expect(error.sdpLineNumber, what).toBe(line);
      expect(error.message, what).toContain(`line ${line}`);
      const offending = sdp.split('\r\n')[line - 1]!;
      if (!/[\0\r]/.test(offending)) expect(error.message, what).toContain(offending.slice(0, 40));
      expect(pc.signalingState).toBe('stable');
    }
    await stillWorks(pc);
  });
});

describe('JSEP rule violations (InvalidAccessError)', () => {
  it('rejects descriptions that parse but break a JSEP rule, naming what is wrong', async () => {
    const pc = peers.create();
    const base = ours.offer;
    const without = (prefix: string) =>
      base
        .split('\r\n')
        .filter((l) => !l.startsWith(prefix))
        .join('\r\n');
    const section = base.slice(base.indexOf('m='));
    const cases: Array<[string, string, RegExp]> = [
      ['no ice-ufrag', without('a=ice-ufrag'), /ice-ufrag/],
      ['no ice-pwd', without('a=ice-pwd'), /ice-pwd/],
      ['no fingerprint', without('a=fingerprint'), /fingerprint/],
      ['BUNDLE names a missing mid', base.replace('a=group:BUNDLE 0', 'a=group:BUNDLE 0 7'), /mid 7/],
      ['a duplicate mid', `${base}${section}`, /mid 0/],
      [
        'RTP without rtcp-mux',
        `${base}${section
          .replace('m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'm=audio 9 UDP/TLS/RTP/SAVPF 111')
          .replace('a=mid:0', 'a=mid:1')
          .replace(/a=sctp-port:.*\r\n|a=max-message-size:.*\r\n/g, '')}a=rtpmap:111 opus/48000/2\r\n`,
        /rtcp-mux/,
      ],
    ];
    for (const [what, sdp, pattern] of cases) {
      const e = await rejection(pc.setRemoteDescription({ type: 'offer', sdp }));
      expect(errorName(e), what).toBe('InvalidAccessError');
      expect((e as Error).message, what).toMatch(pattern);
      expect(pc.signalingState).toBe('stable');
    }
    // an answer may not say actpass (RFC 8842 §5.3)
    const offerer = peers.create();
    offerer.createDataChannel('x');
    await offerer.setLocalDescription();
    const actpass = ours.answer.replace('a=setup:active', 'a=setup:actpass');
    const e = await rejection(offerer.setRemoteDescription({ type: 'answer', sdp: actpass }));
    expect(errorName(e)).toBe('InvalidAccessError');
    expect((e as Error).message).toMatch(/actpass/);
    expect(offerer.signalingState).toBe('have-local-offer');
    await stillWorks(pc);
  });
});

describe('huge inputs are refused by the caps, quickly and cleanly', () => {
  it('refuses more than 1 MiB, 20 000 lines, a 16 KiB line or 1024 m= sections', async () => {
    const pc = peers.create();
    const head = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n';
    const section = ours.offer.slice(ours.offer.indexOf('m='));
    const cases: Array<[string, string]> = [
      ['2 MiB', head + 'a=x-filler:0123456789abcdef\r\n'.repeat(80_000)],
      ['25 000 lines', head + 'a=x\r\n'.repeat(25_000)],
      ['one 20 000-character line', `${head}a=x-long:${'y'.repeat(20_000)}\r\n`],
      ['2000 m= sections', head + section.replace(/a=mid:0\r\n/, '').repeat(2000)],
    ];
    for (const [what, sdp] of cases) {
      const e = await rejection(pc.setRemoteDescription({ type: 'offer', sdp }));
      expect(e, what).toBeInstanceOf(RTCError);
      expect((e as RTCError).errorDetail, what).toBe('sdp-syntax-error');
    }
    await stillWorks(pc);
  });

  it('answers an offer with 500 data sections (one used, the rest rejected) and still connects', async () => {
    const pc = peers.create();
    const body = ours.offer.slice(ours.offer.indexOf('m='));
    const sections = Array.from({ length: 500 }, (_, i) => body.replace('a=mid:0', `a=mid:${i}`)).join('');
    const sdp = `${ours.offer.slice(0, ours.offer.indexOf('m='))}${sections}`;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const answer = await pc.createAnswer();
    expect(answer.sdp!.match(/^m=/gm)).toHaveLength(500);
    await pc.setRemoteDescription({ type: 'rollback' });
    await stillWorks(pc);
  });
});

/** Lines that look like SDP, with values drawn from what parsers choke on. */
const wildValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '0',
    '65535',
    '65536',
    '4294967296',
    '1e400',
    'NaN',
    ':',
    '::',
    '\t',
    '\u0000',
  ),
  fc.integer().map(String),
);
const attributeNames = fc.constantFrom(
  'candidate',
  'fingerprint',
  'setup',
  'mid',
  'sctp-port',
  'max-message-size',
  'ice-ufrag',
  'ice-pwd',
  'ice-options',
  'ice-lite',
  'group',
  'rtpmap',
  'fmtp',
  'rtcp-fb',
  'ssrc',
  'ssrc-group',
  'msid',
  'extmap',
  'rtcp',
  'rtcp-mux',
  'bundle-only',
  'end-of-candidates',
  'rid',
  'simulcast',
  'sendrecv',
  'sctpmap',
);
const sdpLine = fc.oneof(
  fc.tuple(attributeNames, wildValue).map(([n, v]) => `a=${n}:${v}`),
  attributeNames.map((n) => `a=${n}`),
  fc
    .tuple(fc.constantFrom('application', 'audio', 'video', 'text', ''), wildValue, wildValue, wildValue)
    .map(([k, port, proto, fmt]) => `m=${k} ${port} ${proto} ${fmt}`),
  fc
    .tuple(fc.constantFrom('c', 'b', 'o', 's', 't', 'v', 'i', 'u', 'e', 'p', 'z', 'k', 'r'), wildValue)
    .map(([t, v]) => `${t}=${v}`),
  fc.string({ maxLength: 60 }),
);

/** One edit of a description's lines. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line: sdpLine }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), line: sdpLine }),
  fc.record({ kind: fc.constant('value' as const), at: fc.nat(), value: wildValue }),
  fc.record({
    kind: fc.constant('char' as const),
    at: fc.nat(),
    pos: fc.nat(),
    char: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('eol' as const), eol: fc.constantFrom('\n', '\r', '\r\r\n', '') }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(sdp: string, edits: readonly Mutation[]): string {
  let eol = '\r\n';
  const lines = sdp.replace(/\r\n$/, '').split('\r\n');
  for (const e of edits) {
    if (e.kind === 'eol') {
      eol = e.eol;
      continue;
    }
    if (lines.length === 0) break;
    const i = e.at % lines.length;
    const line = lines[i]!;
    switch (e.kind) {
      case 'delete':
        lines.splice(i, 1);
        break;
      case 'duplicate':
        lines.splice(i, 0, line);
        break;
      case 'swap': {
        const j = e.to % lines.length;
        lines[i] = lines[j]!;
        lines[j] = line;
        break;
      }
      case 'insert':
        lines.splice(i, 0, e.line);
        break;
      case 'replace':
        lines[i] = e.line;
        break;
      case 'value': {
        const sep = line.indexOf(':') > 0 ? line.indexOf(':') : line.indexOf('=');
        lines[i] = `${line.slice(0, sep + 1)}${e.value}`;
        break;
      }
      case 'char': {
        const p = line.length === 0 ? 0 : e.pos % line.length;
        lines[i] = `${line.slice(0, p)}${e.char}${line.slice(p + 1)}`;
        break;
      }
      case 'truncate':
        lines.length = i;
        break;
    }
  }
  return lines.join(eol) + (lines.length > 0 ? eol : '');
}

describe('fuzzed remote descriptions (fast-check)', () => {
  it('random text: rejected with an RTCError or InvalidAccessError, never anything else', async () => {
    const pc = peers.create();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.array(sdpLine, { maxLength: 30 }).map((ls) => `${ls.join('\r\n')}\r\n`),
          fc
            .array(sdpLine, { maxLength: 30 })
            .map((ls) => `v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n${ls.join('\r\n')}\r\n`),
        ),
        async (sdp) => tryOffer(pc, sdp),
      ),
      { numRuns: 300 },
    );
    await stillWorks(pc);
  });

  it('mutated real offers and answers (ours, Chromium, Firefox, Safari) as remote offers', async () => {
    const pc = peers.create();
    const sources = [ours.offer, ours.answer, ...Object.values(fixtures)];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sources),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        async (sdp, edits) => tryOffer(pc, mutate(sdp, edits)),
      ),
      { numRuns: 400 },
    );
    await stillWorks(pc);
  });

  it('mutated answers as remote pranswers on an offerer: clean rejections, never a crash', async () => {
    const pc = peers.create();
    pc.createDataChannel('x');
    await pc.setLocalDescription();
    const answers = [ours.answer, fixtures['chromium-answer.sdp']!, fixtures['meta-ice-lite-answer.sdp']!];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...answers),
        fc.array(mutation, { maxLength: 4 }),
        async (sdp, edits) => {
          const outcome = await settle(
            pc.setRemoteDescription({ type: 'pranswer', sdp: mutate(sdp, edits) }),
          );
          if (!outcome.ok) checkRejection(outcome.error);
          expect(['have-local-offer', 'have-remote-pranswer']).toContain(pc.signalingState);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('hostile candidates in addIceCandidate', () => {
  const good = 'candidate:842163049 1 udp 1677729535 127.0.0.1 40000 typ host generation 0';

  it('resolves or rejects with OperationError, for fixed and for fuzzed candidate strings', async () => {
    const pc = peers.create();
    await pc.setRemoteDescription({ type: 'offer', sdp: ours.offer });
    const fixed = [
      'candidate:',
      'candidate',
      'garbage',
      `${good} ${'x '.repeat(50_000)}`,
      good.replace('40000', '70000'),
      good.replace('127.0.0.1', '300.1.1.1'),
      good.replace('127.0.0.1', '::::'),
      good.replace('udp', 'sctp'),
      good.replace('typ host', 'typ bogus'),
      good.replace('1677729535', '99999999999999999999'),
      good.replace(' 1 udp', ' 3 udp'),
      'candidate:1 1 tcp 1 127.0.0.1 9 typ host tcptype active',
      'candidate:1 1 udp 1 127.0.0.1 9 typ srflx raddr 0.0.0.0 rport 0',
      'candidate:1 1 udp 1 127.0.0.1 9 typ relay raddr nope rport -1',
      `a=${good}`,
    ];
    for (const candidate of fixed) {
      const outcome = await settle(pc.addIceCandidate({ candidate, sdpMid: '0' }));
      if (!outcome.ok) expect(errorName(outcome.error), candidate.slice(0, 60)).toBe('OperationError');
    }
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc
            .array(
              fc.oneof(wildValue, fc.constantFrom('typ', 'host', 'udp', 'raddr', 'rport', '127.0.0.1')),
              {
                maxLength: 16,
              },
            )
            .map((parts) => `candidate:${parts.join(' ')}`),
        ),
        fc.oneof(fc.constant('0'), fc.string({ maxLength: 4 })),
        async (candidate, sdpMid) => {
          const outcome = await settle(pc.addIceCandidate({ candidate, sdpMid }));
          if (!outcome.ok) expect(errorName(outcome.error)).toBe('OperationError');
        },
      ),
      { numRuns: 300 },
    );
    expect(pc.signalingState).toBe('have-remote-offer');
  });

  it('junk candidates (up to the ICE agent’s cap) do not keep the real ones from connecting', async () => {
    const a = peers.create();
    const b = peers.create();
    const dc = a.createDataChannel('x');
    // The offer goes out before a gathers, so a's real candidates trickle in after the junk.
    const offer = await a.createOffer();
    await b.setRemoteDescription(offer);
    // 90 unreachable candidates: below @purertc/ice's cap of 100 remote candidates, past which
    // even the peer's real (or peer-reflexive) address is dropped.
    for (let port = 20_000; port < 20_090; port++)
      await b.addIceCandidate({ candidate: good.replace('40000', String(port)), sdpMid: '0' });
    expect(b.remoteDescription!.sdp.match(/a=candidate/g)).toHaveLength(90);
    wireCandidates(a, b);
    await a.setLocalDescription(offer);
    const announced = nextEvent<Event & { channel: import('../src/index.js').RTCDataChannel }>(
      b,
      'datachannel',
    );
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await nextEvent(dc, 'open');
    const got = nextMessage((await announced).channel);
    dc.send('through');
    expect(await got).toBe('through');
  });
});
