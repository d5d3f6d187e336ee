// Launches Debian's Chromium for browser tests, with the flags this closed-network machine needs
// and, optionally, a fake microphone playing a WAV file.
import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';

export interface BrowserOptions {
  /** A WAV file the fake microphone plays in a loop. */
  fakeMicrophoneWav?: string;
}

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error('Chromium not found: install it with `apt-get install -y chromium` or set CHROMIUM_PATH');
  return found;
}

export async function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-ui-for-media-stream',
  ];
  if (options.fakeMicrophoneWav) {
    args.push('--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${options.fakeMicrophoneWav}`);
  }
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args });
}
