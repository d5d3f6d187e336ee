// The JavaScript HMAC-SHA1 against node:crypto, for every message length around the block edges.
import { createHmac, randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HmacSha1 } from '../../../media/rtp/hmac-sha1.ts';

const test = suite('rtp/hmac-sha1');

test('equals node:crypto for messages of 0 to 300 bytes plus a 4-byte suffix', () => {
  for (const keyLength of [20, 16, 64]) {
    const key = randomBytes(keyLength);
    const hmac = new HmacSha1(key);
    const tag = Buffer.alloc(20);
    for (let length = 0; length <= 300; length++) {
      const data = randomBytes(length + 7);
      const suffix = (length * 0x01020304) >>> 0;
      const suffixBytes = Buffer.alloc(4);
      suffixBytes.writeUInt32BE(suffix);
      const expected = createHmac('sha1', key).update(data.subarray(0, length)).update(suffixBytes).digest();
      hmac.tag(data, length, suffix, tag, 0, 20);
      assert.equal(tag.toString('hex'), expected.toString('hex'), `key ${keyLength} bytes, message ${length} bytes`);
    }
  }
});

test('writes the first bytes only, where it is told', () => {
  const key = randomBytes(20);
  const data = randomBytes(100);
  const expected = createHmac('sha1', key).update(data).update(Buffer.alloc(4)).digest();
  const into = Buffer.alloc(16, 0xee);
  new HmacSha1(key).tag(data, 100, 0, into, 3, 10);
  assert.equal(into.subarray(3, 13).toString('hex'), expected.subarray(0, 10).toString('hex'));
  assert.is(into[2], 0xee);
  assert.is(into[13], 0xee);
});

test.run();
