import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isUsableCandidate, keepUsableCandidates, withoutRtcpFeedback } from '../../../media/webrtc/sdp.ts';

const test = suite('media/webrtc/sdp');

test('only UDP candidates with literal IPv4 addresses are kept', () => {
  assert.ok(isUsableCandidate('candidate:1 1 udp 2122194687 192.0.2.2 57148 typ host generation 0'));
  assert.ok(isUsableCandidate('a=candidate:1 1 UDP 2122194687 10.0.0.5 57148 typ srflx raddr 0.0.0.0 rport 0'));
  assert.not.ok(isUsableCandidate('candidate:2 1 udp 2122194687 0b1c7a4e-8d3f-4e2a-9a3c-1f1f1f1f1f1f.local 57148 typ host'));
  assert.not.ok(isUsableCandidate('candidate:3 1 udp 2122265343 fd00::2 57314 typ host'));
  assert.not.ok(isUsableCandidate('candidate:4 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active'));
  assert.not.ok(isUsableCandidate(''));
});

test('descriptions lose unusable candidates and RTCP feedback, keep the rest and the line ends', () => {
  const sdp = [
    'v=0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 126',
    'a=candidate:1 1 udp 2122194687 192.0.2.2 57148 typ host',
    'a=candidate:2 1 udp 2122194687 abc.local 57148 typ host',
    'a=candidate:3 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    '',
  ].join('\r\n');
  assert.is(
    withoutRtcpFeedback(keepUsableCandidates(sdp)),
    ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111 126', 'a=candidate:1 1 udp 2122194687 192.0.2.2 57148 typ host', 'a=rtpmap:111 opus/48000/2', ''].join('\r\n'),
  );
});

test.run();
