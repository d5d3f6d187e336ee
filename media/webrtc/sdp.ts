// SDP edits a leg makes to the browser's descriptions before werift sees them.

/**
 * Whether the media server can use a remote ICE candidate: UDP to a literal IPv4 address.
 * Chromium hides host addresses behind mDNS `.local` names (werift would open a multicast
 * DNS socket per leg to resolve them), and offers IPv6 and TCP candidates the server does
 * not listen on. Dropping them costs nothing: the browser's checks reach the server's own
 * candidates and the pair completes peer-reflexively.
 */
export function isUsableCandidate(candidate: string): boolean {
  const fields = candidate.replace(/^a=/, '').replace(/^candidate:/, '').trim().split(/\s+/);
  const transport = fields[2]?.toLowerCase();
  const address = fields[4] ?? '';
  return transport === 'udp' && /^\d{1,3}(\.\d{1,3}){3}$/.test(address);
}

/** The description without the candidates `isUsableCandidate` rejects. */
export function keepUsableCandidates(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('a=candidate:') || isUsableCandidate(line))
    .join(eol);
}

/** The description without `a=rtcp-fb` lines (no NACK, PLI or transport-cc for the leg's audio). */
export function withoutRtcpFeedback(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('a=rtcp-fb:'))
    .join(eol);
}
