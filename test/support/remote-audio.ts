// What a phone page really hears, sample by sample: every RTCPeerConnection's remote audio track is
// remembered by an init script, and a capture records it through WebAudio for a while. Test-only:
// the pages themselves are unchanged.
import type { BrowserContext, Page } from 'playwright-core';

declare global {
  interface Window {
    __remoteAudioTracks?: MediaStreamTrack[];
  }
}

/** Call before the context's pages load. */
export async function rememberRemoteAudio(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    window.__remoteAudioTracks = [];
    window.RTCPeerConnection = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        this.addEventListener('track', (event) => {
          if (event.track.kind === 'audio') window.__remoteAudioTracks!.push(event.track);
        });
      }
    };
  });
}

/** Records the page's latest live remote audio track for `ms` milliseconds: 48 kHz mono samples. */
export async function captureRemoteAudio(page: Page, ms: number): Promise<Float32Array> {
  const base64 = await page.evaluate(async (ms) => {
    const track = (window.__remoteAudioTracks ?? []).filter((t) => t.readyState === 'live').at(-1);
    if (!track) throw new Error('no remote audio track');
    const context = new AudioContext({ sampleRate: 48_000 });
    await context.resume();
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const processor = context.createScriptProcessor(4096, 1, 1);
    const chunks: Float32Array[] = [];
    processor.onaudioprocess = (event) => chunks.push(new Float32Array(event.inputBuffer.getChannelData(0)));
    source.connect(processor);
    processor.connect(context.destination);
    await new Promise((resolve) => setTimeout(resolve, ms));
    processor.disconnect();
    source.disconnect();
    await context.close();
    const samples = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      samples.set(chunk, offset);
      offset += chunk.length;
    }
    const bytes = new Uint8Array(samples.buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }, ms);
  const buffer = Buffer.from(base64, 'base64');
  return new Float32Array(buffer.buffer, buffer.byteOffset, buffer.length / 4);
}
