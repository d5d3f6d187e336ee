// The replacements media/webrtc/werift-internals.ts puts into werift's dependencies give the same
// results as the originals: X25519 through node:crypto against tweetnacl's, both directions.
import { randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { x25519, x25519KeyPair } from '../../../media/webrtc/werift-internals.ts';

const test = suite('media/webrtc/werift-internals');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

test('native X25519 agrees with tweetnacl: keys, shared secrets, either side native', () => {
  for (let i = 0; i < 20; i++) {
    const native = x25519KeyPair();
    const js = nacl.box.keyPair();
    assert.is(native.publicKey.length, 32);
    assert.is(native.secretKey.length, 32);
    // werift reads `.buffer`: each key must own exactly its 32 bytes.
    assert.is(native.publicKey.buffer.byteLength, 32);
    assert.is(native.secretKey.buffer.byteLength, 32);
    assert.is(hex(nacl.scalarMult.base(native.secretKey)), hex(native.publicKey), 'same public key from the secret');
    const shared = hex(nacl.scalarMult(js.secretKey, native.publicKey));
    assert.is(hex(x25519(native.secretKey, js.publicKey)), shared);
    assert.is(hex(x25519(js.secretKey, native.publicKey)), shared);
  }
  const secret = randomBytes(32);
  const peer = nacl.box.keyPair();
  assert.is(hex(x25519(secret, peer.publicKey)), hex(nacl.scalarMult(secret, peer.publicKey)), 'an unclamped random secret');
});

test.run();
