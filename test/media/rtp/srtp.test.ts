// SRTP (AES_CM_128_HMAC_SHA1_80) against werift's own implementation, both ways, across a
// sequence-number wrap; tampered packets refused. werift is the reference the browser path uses.
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RtpHeader, RtpPacket, SrtpSession } from 'werift';
import { isRtpDatagram, SrtpDecryptor, SrtpEncryptor, type RtpHeaderFields } from '../../../media/rtp/srtp.ts';

const test = suite('rtp/srtp');
const PROFILE_AES_CM_128_HMAC_SHA1_80 = 0x0001;

function keyPair() {
  const a = { key: randomBytes(16), salt: randomBytes(14) };
  const b = { key: randomBytes(16), salt: randomBytes(14) };
  // werift's session from one side: local = a (what it encrypts with), remote = b.
  const werift = new SrtpSession({
    keys: { localMasterKey: a.key, localMasterSalt: a.salt, remoteMasterKey: b.key, remoteMasterSalt: b.salt },
    profile: PROFILE_AES_CM_128_HMAC_SHA1_80,
  });
  return { a, b, werift };
}

function header(sequenceNumber: number, timestamp: number, marker = false): RtpHeaderFields {
  return { payloadType: 111, sequenceNumber, timestamp, ssrc: 0x1234abcd, marker };
}

test('what werift encrypts, SrtpDecryptor reads, across the 16-bit wrap', () => {
  const { a, werift } = keyPair();
  const decryptor = new SrtpDecryptor(a);
  for (let i = 0; i < 40; i++) {
    const sequenceNumber = (65520 + i) & 0xffff;
    const payload = randomBytes(1 + ((i * 37) % 200));
    const rtpHeader = new RtpHeader({ payloadType: 111, sequenceNumber, timestamp: 1000 + i * 960, ssrc: 0x1234abcd, marker: i === 0 });
    const packet = werift.encrypt(payload, rtpHeader);
    const view = decryptor.unprotect(Buffer.from(packet));
    assert.ok(view, `packet ${i} authenticated`);
    assert.is(view!.sequenceNumber, sequenceNumber);
    assert.is(view!.timestamp, 1000 + i * 960);
    assert.is(view!.marker, i === 0);
    assert.is(view!.payloadType, 111);
    assert.ok(view!.payload.equals(payload), `payload ${i}`);
  }
});

test('what SrtpEncryptor writes, werift reads, across the 16-bit wrap', () => {
  const { b, werift } = keyPair();
  const encryptor = new SrtpEncryptor(b);
  for (let i = 0; i < 40; i++) {
    const sequenceNumber = (65500 + i) & 0xffff;
    const payload = randomBytes(1 + ((i * 53) % 300));
    const packet = encryptor.protect(header(sequenceNumber, 5000 + i * 960, i === 3), payload);
    const plain = RtpPacket.deSerialize(werift.decrypt(packet));
    assert.is(plain.header.sequenceNumber, sequenceNumber);
    assert.is(plain.header.timestamp, 5000 + i * 960);
    assert.is(plain.header.marker, i === 3);
    assert.ok(plain.payload.equals(payload), `payload ${i}`);
  }
});

test('round trip, a stream first seen just after its wrap, and reordering near the wrap', () => {
  const master = { key: randomBytes(16), salt: randomBytes(14) };
  const encryptor = new SrtpEncryptor(master);
  const packets = Array.from({ length: 30 }, (_, i) => encryptor.protect(header((65530 + i) & 0xffff, i * 960), Buffer.from([i])));
  // Seen from packet 10 on (sequence number 4, rollover counter 1).
  const late = new SrtpDecryptor(master);
  for (let i = 10; i < 30; i++) assert.equal(late.unprotect(Buffer.from(packets[i]!))?.payload[0], i);
  // Packets 4..7 straddle the wrap; deliver 7 before 4, 5, 6.
  const reordered = new SrtpDecryptor(master);
  for (const i of [0, 1, 2, 3, 7, 4, 5, 6, 8]) assert.equal(reordered.unprotect(Buffer.from(packets[i]!))?.payload[0], i, `packet ${i}`);
});

test('refuses a tampered packet, a wrong key and a truncated one', () => {
  const master = { key: randomBytes(16), salt: randomBytes(14) };
  const packet = new SrtpEncryptor(master).protect(header(7, 960), randomBytes(80));
  const tampered = Buffer.from(packet);
  tampered[20]! ^= 1;
  assert.is(new SrtpDecryptor(master).unprotect(tampered), null);
  assert.is(new SrtpDecryptor({ key: randomBytes(16), salt: master.salt }).unprotect(Buffer.from(packet)), null);
  assert.is(new SrtpDecryptor(master).unprotect(packet.subarray(0, 15)), null);
  assert.ok(new SrtpDecryptor(master).unprotect(Buffer.from(packet)));
});

test('reads headers with CSRCs, an extension and padding', () => {
  const { a, werift } = keyPair();
  const payload = randomBytes(33);
  const rtpHeader = new RtpHeader({
    payloadType: 111,
    sequenceNumber: 100,
    timestamp: 42,
    ssrc: 99,
    csrc: [1, 2],
    extension: true,
    extensions: [{ id: 1, payload: Buffer.from([0x55]) }],
    padding: true,
  });
  // werift's encrypt() sets the P bit but leaves adding the padding to the caller.
  const padded = Buffer.concat([payload, Buffer.from([0, 0, 3])]);
  const view = new SrtpDecryptor(a).unprotect(Buffer.from(werift.encrypt(padded, rtpHeader)));
  assert.ok(view);
  assert.ok(view!.payload.equals(payload));
});

test('tells RTP from RTCP, STUN and DTLS', () => {
  assert.ok(isRtpDatagram(Buffer.from([0x80, 111, ...new Array(10).fill(0)])));
  assert.ok(isRtpDatagram(Buffer.from([0x80, 0x80 | 111, ...new Array(10).fill(0)])));
  assert.not.ok(isRtpDatagram(Buffer.from([0x80, 200, ...new Array(10).fill(0)])), 'RTCP sender report');
  assert.not.ok(isRtpDatagram(Buffer.from([0x81, 201, ...new Array(10).fill(0)])), 'RTCP receiver report');
  assert.not.ok(isRtpDatagram(Buffer.from([0x00, 0x01, ...new Array(18).fill(0)])), 'STUN');
  assert.not.ok(isRtpDatagram(Buffer.from([22, 0xfe, 0xfd, ...new Array(10).fill(0)])), 'DTLS');
});

test.run();
