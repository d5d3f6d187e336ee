// A bare browser "phone" for media tests: a page on http://127.0.0.1 (a secure context, so
// getUserMedia works) whose script keeps one RTCPeerConnection and measures what it hears.
// The page script is plain JavaScript served by a small HTTP server, not functions passed through
// page.evaluate, so nothing depends on how the test runner compiles TypeScript.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';

const PHONE_SCRIPT = String.raw`
const phone = (window.phone = {
  pc: null,
  remoteStream: null,
  audioContext: null,
  analyser: null,
  connectionStates: [],

  async start() {
    const pc = new RTCPeerConnection({ iceServers: [] });
    phone.pc = pc;
    pc.addEventListener('connectionstatechange', () => phone.connectionStates.push(pc.connectionState));
    pc.addEventListener('track', (event) => {
      phone.remoteStream = event.streams[0] || new MediaStream([event.track]);
      // Chromium only feeds a remote WebRTC stream to WebAudio if a media element plays it too.
      const audio = new Audio();
      audio.muted = true;
      audio.srcObject = phone.remoteStream;
      audio.play().catch(() => {});
      phone.audioElement = audio;
    });
    const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const track of microphone.getTracks()) pc.addTrack(track, microphone);
    return pc;
  },

  async gathered(pc) {
    if (pc.iceGatheringState === 'complete') return;
    await new Promise((resolve) => {
      const check = () => pc.iceGatheringState === 'complete' && resolve();
      pc.addEventListener('icegatheringstatechange', check);
      setTimeout(resolve, 3000);
    });
  },

  /** The page calls: returns its offer (candidates included). */
  async createOffer() {
    const pc = await phone.start();
    await pc.setLocalDescription(await pc.createOffer());
    await phone.gathered(pc);
    return pc.localDescription.sdp;
  },

  async acceptAnswer(sdp) {
    await phone.pc.setRemoteDescription({ type: 'answer', sdp });
  },

  /** The page is called: answers the server's offer. */
  async acceptOffer(sdp) {
    const pc = await phone.start();
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await phone.gathered(pc);
    return pc.localDescription.sdp;
  },

  async waitConnected(timeoutMs = 10000) {
    const pc = phone.pc;
    const deadline = Date.now() + timeoutMs;
    while (pc.connectionState !== 'connected') {
      if (Date.now() > deadline) throw new Error('not connected: ' + pc.connectionState);
      await new Promise((r) => setTimeout(r, 20));
    }
  },

  /** The peer connection's state, or its DTLS transport's (which a remote close_notify ends). */
  state(kind) {
    if (kind === 'dtls') {
      const sender = phone.pc.getSenders()[0];
      return sender && sender.transport ? sender.transport.state : 'none';
    }
    return phone.pc.connectionState;
  },

  /** Waits until that state is one of the given ones; returns the state and the time waited. */
  async waitState(kind, states, timeoutMs) {
    const started = performance.now();
    while (!states.includes(phone.state(kind))) {
      if (performance.now() - started > timeoutMs) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    return { state: phone.state(kind), ms: performance.now() - started };
  },

  ensureAnalyser() {
    if (phone.analyser) return phone.analyser;
    if (!phone.remoteStream) throw new Error('no remote stream yet');
    const context = new AudioContext({ sampleRate: 48000 });
    const source = context.createMediaStreamSource(phone.remoteStream);
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0;
    source.connect(analyser);
    phone.audioContext = context;
    phone.analyser = analyser;
    return analyser;
  },

  /**
   * Listens to the remote audio for a while and returns, for each snapshot, the loudest
   * frequency and its level, plus the levels (dB) near the frequencies asked about.
   */
  async listen(ms, probes = []) {
    const analyser = phone.ensureAnalyser();
    await phone.audioContext.resume();
    const bins = new Float32Array(analyser.frequencyBinCount);
    const binHz = phone.audioContext.sampleRate / analyser.fftSize;
    const snapshots = [];
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      analyser.getFloatFrequencyData(bins);
      let best = 0;
      for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
      const level = (hz) => {
        const center = Math.round(hz / binHz);
        let max = -Infinity;
        for (let i = center - 2; i <= center + 2; i++) if (bins[i] > max) max = bins[i];
        return max;
      };
      snapshots.push({ peakHz: best * binHz, peakDb: bins[best], probes: probes.map(level) });
    }
    return snapshots;
  },

  async inboundAudio() {
    const report = await phone.pc.getStats();
    for (const stats of report.values()) {
      if (stats.type === 'inbound-rtp' && stats.kind === 'audio') {
        return {
          packetsReceived: stats.packetsReceived,
          packetsLost: stats.packetsLost,
          jitter: stats.jitter,
          totalSamplesReceived: stats.totalSamplesReceived,
          concealedSamples: stats.concealedSamples,
          jitterBufferDelay: stats.jitterBufferDelay,
          jitterBufferEmittedCount: stats.jitterBufferEmittedCount,
        };
      }
    }
    return null;
  },

  async outboundAudio() {
    const report = await phone.pc.getStats();
    for (const stats of report.values()) {
      if (stats.type === 'outbound-rtp' && stats.kind === 'audio') return { packetsSent: stats.packetsSent };
    }
    return null;
  },

  canInsertDTMF() {
    const sender = phone.pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    return !!(sender && sender.dtmf && sender.dtmf.canInsertDTMF);
  },

  /** Plays DTMF through RTCDTMFSender and resolves when the last tone is done. */
  async sendDtmf(tones, duration = 100, gap = 70) {
    const sender = phone.pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    await new Promise((resolve) => {
      sender.dtmf.addEventListener('tonechange', (event) => event.tone === '' && resolve());
      sender.dtmf.insertDTMF(tones, duration, gap);
    });
  },

  close() {
    phone.pc.close();
  },
});
`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>phone</title><script>${PHONE_SCRIPT}</script>`;

export interface PhonePageServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the phone page on 127.0.0.1. */
export async function startPhonePageServer(): Promise<PhonePageServer> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ListenSnapshot {
  peakHz: number;
  peakDb: number;
  probes: number[];
}

export interface InboundAudioStats {
  packetsReceived: number;
  packetsLost: number;
  jitter: number;
  totalSamplesReceived: number;
  concealedSamples: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
}

/** Typed handle on one phone page. */
export class Phone {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string): Promise<Phone> {
    const page = await browser.newPage();
    await page.goto(url);
    return new Phone(page);
  }

  createOffer(): Promise<string> {
    return this.page.evaluate(() => (window as any).phone.createOffer());
  }
  acceptAnswer(sdp: string): Promise<void> {
    return this.page.evaluate((sdp) => (window as any).phone.acceptAnswer(sdp), sdp);
  }
  acceptOffer(sdp: string): Promise<string> {
    return this.page.evaluate((sdp) => (window as any).phone.acceptOffer(sdp), sdp);
  }
  waitConnected(timeoutMs = 10_000): Promise<void> {
    return this.page.evaluate((ms) => (window as any).phone.waitConnected(ms), timeoutMs);
  }
  /** Waits for the peer connection's (or its DTLS transport's) state to be one of `states`. */
  waitState(kind: 'connection' | 'dtls', states: string[], timeoutMs: number): Promise<{ state: string; ms: number }> {
    return this.page.evaluate(([k, s, ms]) => (window as any).phone.waitState(k, s, ms), [kind, states, timeoutMs] as const);
  }
  listen(ms: number, probes: number[] = []): Promise<ListenSnapshot[]> {
    return this.page.evaluate(([ms, probes]) => (window as any).phone.listen(ms, probes), [ms, probes] as const);
  }
  inboundAudio(): Promise<InboundAudioStats | null> {
    return this.page.evaluate(() => (window as any).phone.inboundAudio());
  }
  outboundAudio(): Promise<{ packetsSent: number } | null> {
    return this.page.evaluate(() => (window as any).phone.outboundAudio());
  }
  canInsertDtmf(): Promise<boolean> {
    return this.page.evaluate(() => (window as any).phone.canInsertDTMF());
  }
  sendDtmf(tones: string, durationMs = 100, gapMs = 70): Promise<void> {
    return this.page.evaluate(([t, d, g]) => (window as any).phone.sendDtmf(t, d, g), [tones, durationMs, gapMs] as const);
  }
  closePeerConnection(): Promise<void> {
    return this.page.evaluate(() => (window as any).phone.close());
  }
  connectionStates(): Promise<string[]> {
    return this.page.evaluate(() => (window as any).phone.connectionStates);
  }
  async close(): Promise<void> {
    if (!this.page.isClosed()) await this.page.close();
  }
}
