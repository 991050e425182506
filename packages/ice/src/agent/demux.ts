/**
 * RFC 7983 §7 (updating RFC 5764 §5.1.2): one 5-tuple carries STUN, ZRTP, DTLS, TURN ChannelData
 * and RTP/RTCP; the first byte tells them apart.
 *
 *   0..3     STUN          (ICE checks, server responses)
 *   16..19   ZRTP          (not used by WebRTC: dropped)
 *   20..63   DTLS
 *   64..79   TURN Channel  (only meaningful from a TURN server's address)
 *   128..191 RTP / RTCP
 */
export type DatagramKind = 'stun' | 'zrtp' | 'dtls' | 'channel-data' | 'rtp' | 'unknown';

export function classifyDatagram(data: Uint8Array): DatagramKind {
  if (data.length === 0) return 'unknown';
  const b = data[0] as number;
  if (b <= 3) return 'stun';
  if (b >= 16 && b <= 19) return 'zrtp';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 64 && b <= 79) return 'channel-data';
  if (b >= 128 && b <= 191) return 'rtp';
  return 'unknown';
}
