/**
 * STUN and TURN server URLs as RTCIceServer.urls carries them (RFC 7064 `stun:`/`stuns:`,
 * RFC 7065 `turn:`/`turns:` with `?transport=udp|tcp`). Host names are kept; the node adapter
 * resolves them before the sans-IO agent sees an IceServer.
 */
import { isIPv6 } from 'node:net';

export type ServerScheme = 'stun' | 'stuns' | 'turn' | 'turns';

export interface ServerUrl {
  readonly scheme: ServerScheme;
  /** Host name or IP literal (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** How to reach the server: `turns:` and `stuns:` mean TLS over TCP. */
  readonly transport: 'udp' | 'tcp' | 'tls';
  readonly url: string;
}

/** Why a server URL was refused; `SyntaxError` in the W3C API's terms. */
export class ServerUrlError extends Error {
  override readonly name = 'ServerUrlError';
  readonly code = 'BAD_SERVER_URL';
  constructor(
    readonly url: string,
    detail: string,
  ) {
    super(`${JSON.stringify(url)}: ${detail}`);
  }
}

const DEFAULT_PORT: Record<ServerScheme, number> = { stun: 3478, stuns: 5349, turn: 3478, turns: 5349 };

/** Parses one URL; throws {@link ServerUrlError}. */
export function parseServerUrl(url: string): ServerUrl {
  const m = /^(stuns?|turns?):(.*)$/i.exec(url.trim());
  if (m === null) throw new ServerUrlError(url, 'scheme must be stun:, stuns:, turn: or turns:');
  const scheme = (m[1] as string).toLowerCase() as ServerScheme;
  let rest = m[2] as string;
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  // RFC 7064 §3.1: no userinfo, path or fragment; "//" is not part of the syntax.
  if (rest.startsWith('//') || rest.includes('@') || rest.includes('/') || rest.includes('#')) {
    throw new ServerUrlError(url, 'only host[:port] may follow the scheme');
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) throw new ServerUrlError(url, 'unterminated IPv6 literal');
    host = rest.slice(1, end);
    if (!isIPv6(host)) throw new ServerUrlError(url, `${host} is not an IPv6 address`);
    const after = rest.slice(end + 1);
    if (after !== '' && !after.startsWith(':')) throw new ServerUrlError(url, 'junk after the IPv6 literal');
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = rest.lastIndexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    portText = colon < 0 ? undefined : rest.slice(colon + 1);
  }
  if (host === '' || !/^[A-Za-z0-9.\-_:]+$/.test(host))
    throw new ServerUrlError(url, 'missing or invalid host');
  let port = DEFAULT_PORT[scheme];
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new ServerUrlError(url, `invalid port ${JSON.stringify(portText)}`);
    }
    port = Number(portText);
  }
  let transport: ServerUrl['transport'] = scheme === 'turns' || scheme === 'stuns' ? 'tls' : 'udp';
  if (query !== '') {
    const t = /^transport=(udp|tcp)$/i.exec(query);
    if (t === null || scheme === 'stun' || scheme === 'stuns') {
      throw new ServerUrlError(url, `unsupported query ${JSON.stringify(query)}`);
    }
    // RFC 7065 §3: turns: with transport=udp would be DTLS, which no browser offers.
    const requested = (t[1] as string).toLowerCase();
    if (scheme === 'turns' && requested === 'udp')
      throw new ServerUrlError(url, 'turns: over UDP (DTLS) is not supported');
    if (scheme === 'turn') transport = requested === 'tcp' ? 'tcp' : 'udp';
  }
  return { scheme, host, port, transport, url };
}
