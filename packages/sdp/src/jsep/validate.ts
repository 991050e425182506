/**
 * The JSEP checks of a description before it is applied (RFC 8829 §5.8 and §5.9, RFC 8843,
 * RFC 8842): unique mids, BUNDLE groups naming existing sections, ICE credentials and a DTLS
 * fingerprint for every live section, a=setup not actpass in an answer, rtcp-mux for RTP
 * (RTCRtcpMuxPolicy "require", the only one W3C keeps). Throws JsepError INVALID_DESCRIPTION
 * (the W3C layer rejects with InvalidAccessError).
 */
import { JsepError } from '../errors.js';
import { isRtpProto } from '../fields/media-line.js';
import type { SessionDescription } from '../model/description.js';
import { bundleGroups, isRejected } from './bundle.js';
import { transportParameters } from './transport.js';

export function validateDescription(desc: SessionDescription, type: 'offer' | 'answer' | 'pranswer'): void {
  const fail = (detail: string): never => {
    throw new JsepError('INVALID_DESCRIPTION', detail);
  };
  const mids = new Set<string>();
  for (const m of desc.media) {
    if (m.mid === undefined) continue;
    if (mids.has(m.mid)) fail(`mid ${m.mid} appears twice (RFC 8843 §7.1)`);
    mids.add(m.mid);
  }
  const grouped = new Set<string>();
  for (const g of bundleGroups(desc)) {
    for (const mid of g.mids) {
      if (!mids.has(mid)) fail(`BUNDLE names mid ${mid}, which no m= section has`);
      if (grouped.has(mid)) fail(`mid ${mid} is in two BUNDLE groups (RFC 8843 §7.1)`);
      grouped.add(mid);
    }
  }
  desc.media.forEach((m, i) => {
    if (isRejected(m)) return;
    const where = m.mid === undefined ? `m= section ${i}` : `mid ${m.mid}`;
    if (m.bundleOnly && (m.mid === undefined || !grouped.has(m.mid)))
      fail(`${where}: bundle-only outside a BUNDLE group`);
    const t = transportParameters(desc, m);
    if (t.ufrag === undefined || t.pwd === undefined)
      fail(`${where}: no a=ice-ufrag / a=ice-pwd (RFC 8839 §5.4)`);
    if (t.fingerprints.length === 0) fail(`${where}: no a=fingerprint (RFC 8122 §5)`);
    if (type !== 'offer' && t.setup === 'actpass')
      fail(`${where}: a=setup:actpass in an answer (RFC 8842 §5.3)`);
    if (isRtpProto(m.proto) && !m.rtcpMux)
      fail(`${where}: no a=rtcp-mux (RFC 8829 §5.8, rtcpMuxPolicy require)`);
  });
}
