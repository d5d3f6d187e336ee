// Reading an Opus packet's table-of-contents byte (RFC 6716 section 3.1), for timing without decoding.

// Frame length in 48 kHz samples for each of the 32 TOC configurations.
const FRAME_SAMPLES_BY_CONFIG = [
  480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, // SILK NB, MB, WB: 10/20/40/60 ms
  480, 960, 480, 960, // hybrid SWB, FB: 10/20 ms
  120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, // CELT: 2.5/5/10/20 ms
];

/** Audio length of a packet in 48 kHz samples, or undefined if the packet is malformed. */
export function opusPacketSamples(packet: Uint8Array): number | undefined {
  if (packet.length < 1) return undefined;
  const toc = packet[0]!;
  const frameSamples = FRAME_SAMPLES_BY_CONFIG[toc >> 3]!;
  switch (toc & 0x03) {
    case 0:
      return frameSamples;
    case 1:
    case 2:
      return 2 * frameSamples;
    default: {
      if (packet.length < 2) return undefined;
      const frames = packet[1]! & 0x3f;
      return frames === 0 ? undefined : frames * frameSamples;
    }
  }
}

/**
 * A packet carrying no audio for `samples` (a CELT frame length: 120, 240, 480 or 960) that a
 * decoder treats as lost and conceals; used to keep time across gaps in recordings.
 */
export function opusGapPacket(samples: 120 | 240 | 480 | 960): Uint8Array {
  // CELT fullband configurations 28-31 are 2.5, 5, 10 and 20 ms; mono, one frame of zero bytes.
  const config = { 120: 28, 240: 29, 480: 30, 960: 31 }[samples];
  return new Uint8Array([config << 3]);
}
