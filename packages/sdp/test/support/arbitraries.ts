/**
 * fast-check generators of valid typed models: every string drawn from the character set its
 * grammar allows, so that write → parse → read must give the model back.
 */
import fc from 'fast-check';
import type {
  Attribute,
  Candidate,
  Codec,
  Direction,
  Extmap,
  Fingerprint,
  MediaDescription,
  Rid,
  SessionDescription,
  Simulcast,
} from '../../src/index.js';

const TOKEN_CHARS = "!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz{|}~".split(
  '',
);
const VISIBLE_CHARS = [
  ...TOKEN_CHARS,
  '"',
  '(',
  ')',
  ',',
  '/',
  ':',
  ';',
  '<',
  '=',
  '>',
  '?',
  '@',
  '[',
  '\\',
  ']',
];
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');

const fromChars = (chars: string[], max = 12) =>
  fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: max }).map((a) => a.join(''));

export const tokenArb = fromChars(TOKEN_CHARS);
/** Visible characters, no space. */
export const wordArb = fromChars(VISIBLE_CHARS);
/** Free text without CR, LF or NUL (spaces and non-ASCII included). */
export const textArb = fc.string({ maxLength: 20 }).filter((s) => !/[\r\n\0]/.test(s));
const wordsArb = fc.array(wordArb, { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
const ridIdArb = fromChars([...ALNUM, '-', '_'], 8);
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const port = fc.integer({ min: 0, max: 0xffff });
const directionArb = fc.constantFrom<Direction>('sendrecv', 'sendonly', 'recvonly', 'inactive');
/** Names no reader types: untyped attributes. */
const otherAttributeArb: fc.Arbitrary<Attribute> = fc.record(
  { name: tokenArb.map((t) => `x-${t}`), value: textArb },
  { requiredKeys: ['name'] },
);

const fingerprintArb: fc.Arbitrary<Fingerprint> = fc.record({
  algorithm: tokenArb,
  value: fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 32 })
    .map((b) => b.map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':')),
});

const candidateArb: fc.Arbitrary<Candidate> = fc.record(
  {
    foundation: fromChars(VISIBLE_CHARS, 32),
    component: fc.integer({ min: 0, max: 256 }),
    transport: tokenArb,
    priority: uint32,
    address: wordArb,
    port,
    type: tokenArb,
    relatedAddress: wordArb,
    relatedPort: port,
    extensions: fc.array(
      fc.tuple(
        tokenArb.filter((t) => t !== 'raddr' && t !== 'rport'),
        wordArb,
      ),
      { maxLength: 3 },
    ),
  },
  {
    requiredKeys: [
      'foundation',
      'component',
      'transport',
      'priority',
      'address',
      'port',
      'type',
      'extensions',
    ],
  },
);

const feedbackArb = fc.record({ type: tokenArb, parameter: wordsArb }, { requiredKeys: ['type'] });

const codecsArb: fc.Arbitrary<Codec[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: 127 }), { maxLength: 5 })
  .chain((pts) =>
    fc.tuple(
      ...pts.map((payloadType) =>
        fc.record(
          {
            payloadType: fc.constant(payloadType),
            name: tokenArb,
            clockRate: uint32,
            channels: fc.integer({ min: 0, max: 255 }),
            parameters: textArb,
            feedback: fc.array(feedbackArb, { maxLength: 3 }),
          },
          { requiredKeys: ['payloadType', 'name', 'clockRate', 'feedback'] },
        ),
      ),
    ),
  );

const extmapArb: fc.Arbitrary<Extmap> = fc.record(
  { id: fc.integer({ min: 1, max: 4351 }), direction: directionArb, uri: wordArb, attributes: wordsArb },
  { requiredKeys: ['id', 'uri'] },
);

const ridArb: fc.Arbitrary<Rid> = fc.record({
  id: ridIdArb,
  direction: fc.constantFrom('send' as const, 'recv' as const),
  payloadTypes: fc.array(tokenArb, { maxLength: 3 }),
  restrictions: fc.array(
    fc.record(
      { name: tokenArb.filter((t) => t !== 'pt'), value: fromChars(ALNUM) },
      { requiredKeys: ['name'] },
    ),
    { maxLength: 3 },
  ),
});

const simulcastListArb = fc.array(
  fc.array(fc.record({ rid: ridIdArb, paused: fc.boolean() }), { minLength: 1, maxLength: 2 }),
  { minLength: 1, maxLength: 3 },
);
const simulcastArb: fc.Arbitrary<Simulcast> = fc.oneof(
  fc.record({ send: simulcastListArb }),
  fc.record({ recv: simulcastListArb }),
  fc.record({ send: simulcastListArb, recv: simulcastListArb }),
);

const connectionArb = fc.record({ netType: tokenArb, addrType: tokenArb, address: wordArb });
const bandwidthArb = fc.record({ type: tokenArb, value: fc.integer({ min: 0, max: 1e12 }) });

export const mediaArb: fc.Arbitrary<MediaDescription> = fc.record(
  {
    kind: tokenArb,
    port,
    portCount: fc.integer({ min: 0, max: 0xffff }),
    proto: fc.array(tokenArb, { minLength: 1, maxLength: 4 }).map((p) => p.join('/')),
    formats: fc.array(tokenArb, { maxLength: 5 }),
    information: textArb,
    connections: fc.array(connectionArb, { maxLength: 2 }),
    bandwidths: fc.array(bandwidthArb, { maxLength: 2 }),
    encryptionKey: textArb,
    mid: tokenArb,
    direction: directionArb,
    msids: fc.array(fc.record({ stream: wordArb, track: wordArb }, { requiredKeys: ['stream'] }), {
      maxLength: 2,
    }),
    iceUfrag: wordArb,
    icePwd: wordArb,
    iceOptions: fc.array(tokenArb, { maxLength: 3 }),
    fingerprints: fc.array(fingerprintArb, { maxLength: 2 }),
    setup: fc.constantFrom('active' as const, 'passive' as const, 'actpass' as const, 'holdconn' as const),
    candidates: fc.array(candidateArb, { maxLength: 3 }),
    endOfCandidates: fc.boolean(),
    rtcp: fc.oneof(
      fc.record({ port }),
      fc.record({ port, netType: tokenArb, addrType: tokenArb, address: wordArb }),
    ),
    rtcpMux: fc.boolean(),
    rtcpMuxOnly: fc.boolean(),
    rtcpRsize: fc.boolean(),
    bundleOnly: fc.boolean(),
    codecs: codecsArb,
    feedback: fc.array(feedbackArb, { maxLength: 2 }),
    extmaps: fc.array(extmapArb, { maxLength: 3 }),
    extmapAllowMixed: fc.boolean(),
    ssrcs: fc.array(
      fc.record(
        { ssrc: uint32, attribute: tokenArb, value: textArb },
        { requiredKeys: ['ssrc', 'attribute'] },
      ),
      {
        maxLength: 3,
      },
    ),
    ssrcGroups: fc.array(fc.record({ semantics: wordArb, ssrcs: fc.array(uint32, { maxLength: 3 }) }), {
      maxLength: 2,
    }),
    rids: fc.array(ridArb, { maxLength: 3 }),
    simulcast: simulcastArb,
    sctpPort: port,
    maxMessageSize: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    attributes: fc.array(otherAttributeArb, { maxLength: 3 }),
  },
  {
    requiredKeys: [
      'kind',
      'port',
      'proto',
      'formats',
      'connections',
      'bandwidths',
      'msids',
      'iceOptions',
      'fingerprints',
      'candidates',
      'endOfCandidates',
      'rtcpMux',
      'rtcpMuxOnly',
      'rtcpRsize',
      'bundleOnly',
      'codecs',
      'feedback',
      'extmaps',
      'extmapAllowMixed',
      'ssrcs',
      'ssrcGroups',
      'rids',
      'attributes',
    ],
  },
);

const bigUint = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

export const sessionArb: fc.Arbitrary<SessionDescription> = fc.record(
  {
    origin: fc.record({
      username: wordArb,
      sessionId: bigUint,
      sessionVersion: bigUint,
      netType: tokenArb,
      addrType: tokenArb,
      address: wordArb,
    }),
    sessionName: textArb,
    information: textArb,
    uri: textArb,
    emails: fc.array(textArb, { maxLength: 2 }),
    phones: fc.array(textArb, { maxLength: 2 }),
    connection: connectionArb,
    bandwidths: fc.array(bandwidthArb, { maxLength: 2 }),
    timing: fc.array(
      fc.record({
        start: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        stop: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        repeats: fc.array(textArb, { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    timeZones: textArb,
    encryptionKey: textArb,
    groups: fc.array(fc.record({ semantics: tokenArb, mids: fc.array(tokenArb, { maxLength: 3 }) }), {
      maxLength: 2,
    }),
    msidSemantic: fc.record({ semantic: wordArb, identifiers: fc.array(wordArb, { maxLength: 2 }) }),
    iceLite: fc.boolean(),
    iceOptions: fc.array(tokenArb, { maxLength: 2 }),
    iceUfrag: wordArb,
    icePwd: wordArb,
    fingerprints: fc.array(fingerprintArb, { maxLength: 2 }),
    setup: fc.constantFrom('active' as const, 'passive' as const, 'actpass' as const),
    direction: directionArb,
    extmapAllowMixed: fc.boolean(),
    extmaps: fc.array(extmapArb, { maxLength: 2 }),
    attributes: fc.array(otherAttributeArb, { maxLength: 3 }),
    media: fc.array(mediaArb, { maxLength: 3 }),
  },
  {
    requiredKeys: [
      'origin',
      'sessionName',
      'emails',
      'phones',
      'bandwidths',
      'timing',
      'groups',
      'iceLite',
      'iceOptions',
      'fingerprints',
      'extmapAllowMixed',
      'extmaps',
      'attributes',
      'media',
    ],
  },
);
