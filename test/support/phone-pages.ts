// Browser tests of the softphone (/phone/) and the public caller page (/call/): typed handles that
// act through the page as a person does (typing, clicking) and read what the page shows, plus the
// page's measurement hook (window.__softphone) to check what each party really hears.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { AudioSnapshot } from '../../client/shared/audio-meter.ts';
import type { InboundAudioStats } from '../../client/shared/call-session.ts';
import type { LineState } from '../../client/shared/phone-line.ts';
import { encodeWavPcm16, sineTone } from '../../media/audio/wav.ts';
import type { ApiClient } from './api-client.ts';
import { chromiumPath } from './browser.ts';

/** Writes a 30 s sine tone as a WAV for a fake microphone; returns its path. */
export async function writeToneWav(dir: string, frequencyHz: number): Promise<string> {
  const path = join(dir, `tone-${frequencyHz}.wav`);
  await writeFile(path, encodeWavPcm16(sineTone(frequencyHz, 30, 48_000), 48_000));
  return path;
}

/**
 * A Chromium that asks before giving a page the microphone, as a person's browser does; headless,
 * nobody answers, so getUserMedia fails with NotAllowedError: a real refusal, not a stub.
 */
export async function launchBrowserRefusingMicrophone(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--use-fake-device-for-media-stream'],
  });
}

/** Gives existing users known passwords and adds new ones, then applies the draft (as an admin). */
export async function setUpUsers(
  admin: ApiClient,
  passwords: Record<string, string>,
  added: { name: string; email: string; extension: string; password: string }[] = [],
): Promise<void> {
  const users = (await admin.get('/api/draft/users')).body as { id: string; extension: string }[];
  for (const [extension, password] of Object.entries(passwords)) {
    const user = users.find((u) => u.extension === extension);
    if (!user) throw new Error(`no user with extension ${extension}`);
    const response = await admin.put(`/api/draft/users/${user.id}`, { ...user, password });
    if (response.status !== 200) throw new Error(`could not set the password of ${extension}: ${JSON.stringify(response.body)}`);
  }
  for (const user of added) {
    const response = await admin.post('/api/draft/users', { ...user, voicemail: false });
    if (response.status !== 201) throw new Error(`could not add ${user.extension}: ${JSON.stringify(response.body)}`);
  }
  const applied = await admin.post('/api/draft/apply');
  if (applied.status !== 200) throw new Error(`apply failed: ${JSON.stringify(applied.body)}`);
}

/** Plays an <audio> element in the page until `seconds` have played; returns its duration. */
export async function playAudio(page: Page, selector: string, seconds = 0.5): Promise<number> {
  return page.evaluate(
    async ([selector, seconds]) => {
      const audio = document.querySelector(selector as string) as HTMLAudioElement;
      await audio.play();
      const deadline = Date.now() + 10_000;
      while (audio.currentTime < (seconds as number)) {
        if (audio.error) throw new Error(`audio error ${audio.error.code}`);
        if (Date.now() > deadline) throw new Error(`stuck at ${audio.currentTime}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      audio.pause();
      return audio.duration;
    },
    [selector, seconds] as const,
  );
}

/** Polls until `read` gives a value `accept`s, or fails with the last value seen. */
export async function waitFor<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function textOf(locator: Locator): Promise<string> {
  if ((await locator.count()) === 0) return '';
  return ((await locator.first().textContent({ timeout: 1000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
}

export async function waitForText(locator: Locator, expected: string | RegExp, timeoutMs = 10_000): Promise<string> {
  const matches = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  return waitFor(`${locator} to say ${expected}`, () => textOf(locator), matches, timeoutMs);
}

/** What both phone pages share: the call screen, the line's notice, and the measurement hook. */
class PhonePage {
  constructor(readonly page: Page) {}

  get callStatus(): Locator {
    return this.page.getByTestId('call-status');
  }
  get notice(): Locator {
    return this.page.getByTestId('line-notice');
  }

  /** Waits until the call screen's status says `expected` ("Ringing", "Connected", "On hold", …). */
  waitForStatus(expected: string | RegExp, timeoutMs = 10_000): Promise<string> {
    return waitForText(this.callStatus, expected, timeoutMs);
  }
  /** Waits until the idle page's notice says `expected` (how the last call ended, an error). */
  waitForNotice(expected: string | RegExp, timeoutMs = 10_000): Promise<string> {
    return waitForText(this.notice, expected, timeoutMs);
  }

  async hangUp(): Promise<void> {
    await this.page.getByRole('button', { name: 'Hang up' }).click();
  }
  async openCallKeypad(): Promise<void> {
    await this.page.getByRole('button', { name: 'Keypad', exact: true }).click();
  }
  /** Presses keys on the in-call keypad, one click each. */
  async pressCallKeys(keys: string): Promise<void> {
    const keypad = this.page.getByRole('group', { name: 'Keys to send' });
    for (const key of keys) await keypad.getByRole('button', { name: key, exact: true }).click();
  }

  state(): Promise<LineState> {
    return this.page.evaluate(() => window.__softphone!.state());
  }
  ringing(): Promise<boolean> {
    return this.page.evaluate(() => window.__softphone!.ringing());
  }
  /** Snapshots of what the page hears, every 100 ms, with levels near `probesHz`. */
  listen(ms: number, probesHz: number[] = []): Promise<AudioSnapshot[]> {
    return this.page.evaluate(([ms, probes]) => window.__softphone!.listen(ms, probes), [ms, probesHz] as [number, number[]]);
  }
  inboundAudio(): Promise<InboundAudioStats | null> {
    return this.page.evaluate(() => window.__softphone!.inboundAudio());
  }
  /** Waits until the media is up and audio packets arrive. */
  async waitForAudio(timeoutMs = 10_000): Promise<InboundAudioStats> {
    const stats = await waitFor('audio packets', () => this.inboundAudio().catch(() => null), (s) => (s?.packetsReceived ?? 0) > 10, timeoutMs);
    return stats!;
  }
  async screenshot(dir: string, name: string): Promise<void> {
    await this.page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }
}

export class SoftphonePage extends PhonePage {
  static async open(context: BrowserContext, baseUrl: string): Promise<SoftphonePage> {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => console.error('softphone page error:', error.message));
    await page.goto(`${baseUrl}/phone/`);
    return new SoftphonePage(page);
  }

  async signIn(extension: string, password: string): Promise<void> {
    await this.page.getByLabel('Extension').fill(extension);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** Signs in and waits for the phone to be online. */
  async signInOnline(extension: string, password: string): Promise<void> {
    await this.signIn(extension, password);
    await this.waitOnline();
  }

  async waitOnline(): Promise<void> {
    await waitForText(this.page.getByTestId('connection'), 'Online');
  }

  /** Dials as a person does: the digits on the dial pad, then Call. */
  async dialWithKeypad(number: string): Promise<void> {
    await this.openTab('Keypad');
    const pad = this.page.getByRole('group', { name: 'Dial pad' });
    for (const key of number) await pad.getByRole('button', { name: key, exact: true }).click();
    await this.page.getByRole('button', { name: 'Call', exact: true }).click();
  }

  /** Types the number in the field, then Call. */
  async dialTyped(number: string): Promise<void> {
    await this.openTab('Keypad');
    await this.page.getByLabel('Number to call').fill(number);
    await this.page.getByRole('button', { name: 'Call', exact: true }).click();
  }

  async openTab(name: 'Keypad' | 'History' | 'Settings'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Phone' }).getByRole('button', { name: new RegExp(`^${name}`) }).click();
  }

  get incoming(): Locator {
    return this.page.getByTestId('incoming-call');
  }

  /** Waits for the incoming-call screen; returns the caller's name as shown. */
  async waitForIncoming(timeoutMs = 10_000): Promise<string> {
    await this.incoming.waitFor({ timeout: timeoutMs });
    return textOf(this.page.getByTestId('incoming-name'));
  }

  async answer(): Promise<void> {
    await this.incoming.getByRole('button', { name: 'Answer' }).click();
  }
  async reject(): Promise<void> {
    await this.incoming.getByRole('button', { name: 'Reject' }).click();
  }
  async hold(): Promise<void> {
    await this.page.getByRole('button', { name: 'Hold', exact: true }).click();
  }
  async resume(): Promise<void> {
    await this.page.getByRole('button', { name: 'Resume', exact: true }).click();
  }

  /** The missed-call badge's number; 0 when there is none. */
  async missedBadge(): Promise<number> {
    const text = await textOf(this.page.getByTestId('missed-badge'));
    return text ? Number(text) : 0;
  }
}

export class CallerPage extends PhonePage {
  static async open(context: BrowserContext, baseUrl: string): Promise<CallerPage> {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => console.error('caller page error:', error.message));
    await page.goto(`${baseUrl}/call/`);
    await waitForText(page.getByTestId('connection'), 'Online');
    return new CallerPage(page);
  }

  /** Clicks the Call button of a listed number, by its label. */
  async callListed(label: string): Promise<void> {
    await this.page.getByRole('button', { name: `Call ${label}` }).click();
  }

  async callTyped(number: string): Promise<void> {
    await this.page.getByLabel('Or type a number').fill(number);
    await this.page.getByRole('button', { name: 'Call', exact: true }).click();
  }
}

// --- what the snapshots say ---

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface HearingSummary {
  snapshots: number;
  medianPeakHz: number;
  /** Median level (dB) near each probe, in the order asked. */
  probeDb: number[];
  /** Median and maximum overall level (dBFS). */
  medianRmsDb: number;
  maxRmsDb: number;
}

export function summarize(snapshots: AudioSnapshot[]): HearingSummary {
  return {
    snapshots: snapshots.length,
    medianPeakHz: median(snapshots.map((s) => s.peakHz)),
    probeDb: (snapshots[0]?.probes ?? []).map((_, i) => median(snapshots.map((s) => s.probes[i]!))),
    medianRmsDb: median(snapshots.map((s) => s.rmsDb)),
    maxRmsDb: Math.max(...snapshots.map((s) => s.rmsDb)),
  };
}

/** Share of snapshots whose loudest frequency is within `toleranceHz` of `hz`. */
export function shareDominatedBy(snapshots: AudioSnapshot[], hz: number, toleranceHz = 15): number {
  if (snapshots.length === 0) return 0;
  return snapshots.filter((s) => Math.abs(s.peakHz - hz) <= toleranceHz).length / snapshots.length;
}
