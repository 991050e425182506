/** RFC 7064 / RFC 7065 server URLs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseServerUrl, ServerUrlError } from '../src/index.js';

describe('parseServerUrl', () => {
  it('parses the forms RTCIceServer.urls carries', () => {
    expect(parseServerUrl('stun:stun.example.org')).toMatchObject({
      scheme: 'stun',
      host: 'stun.example.org',
      port: 3478,
      transport: 'udp',
    });
    expect(parseServerUrl('stun:192.0.2.1:19302')).toMatchObject({ host: '192.0.2.1', port: 19302 });
    expect(parseServerUrl('turn:[2001:db8::1]:3479?transport=tcp')).toMatchObject({
      host: '2001:db8::1',
      port: 3479,
      transport: 'tcp',
    });
    expect(parseServerUrl('turns:turn.example.org')).toMatchObject({ port: 5349, transport: 'tls' });
    expect(parseServerUrl('turns:turn.example.org:443?transport=tcp')).toMatchObject({
      port: 443,
      transport: 'tls',
    });
    expect(parseServerUrl('TURN:Example.org?transport=UDP')).toMatchObject({
      scheme: 'turn',
      transport: 'udp',
    });
  });

  it('rejects what is not a server URL with a typed error', () => {
    for (const bad of [
      'http://example.org',
      'stun:',
      'stun://example.org',
      'turn:user@example.org',
      'stun:example.org:0',
      'stun:example.org:70000',
      'stun:example.org?transport=tcp',
      'turns:example.org?transport=udp',
      'turn:[::1',
      'turn:[1.2.3.4]',
      'turn:example.org/path',
    ]) {
      expect(() => parseServerUrl(bad), bad).toThrow(ServerUrlError);
    }
  });

  it('random text raises only ServerUrlError', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.constantFrom('stun:', 'turn:', 'turns:', ''),
        (s, prefix) => {
          try {
            parseServerUrl(prefix + s);
          } catch (e) {
            if (!(e instanceof ServerUrlError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
