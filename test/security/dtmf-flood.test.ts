// A caller floods an IVR menu with keys (RFC 4733 telephone-events, as fast as a phone can send
// them): the PBX answers one question at a time (a wrong key: one "invalid choice", then the menu
// again, then its fallback), never queues a prompt per key, stays responsive meanwhile, and the
// next caller goes through the same menu as if nothing had happened. The real server, seeded with
// the office example configuration, a headless public caller on loopback.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CallTrace, TracedEvent } from '../../server/calls/call-trace.ts';
import { startEmbeddedPbx, type FlowPbx } from '../../flow/pbx.ts';
import { HeadlessPhone, toneFrames } from '../support/headless-phone.ts';

const MENU_NUMBER = '+33100000110';
/** Keys of 20 ms with 20 ms between them: 25 keys a second, faster than any hand. */
const FLOOD = { durationMs: 20, gapMs: 20 };

const test = suite<{ pbx: FlowPbx }>('a flood of keys');

test.before(async (context) => {
  context.pbx = await startEmbeddedPbx({ configFile: 'examples/flows/config/office.yaml' });
});
test.after(async ({ pbx }) => {
  await pbx.close();
});

async function traceOf(pbx: FlowPbx, callId: string, until: (trace: CallTrace) => boolean, timeoutMs: number): Promise<CallTrace> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const trace = await pbx.admin.trace(callId);
    if (trace && until(trace)) return trace;
    if (Date.now() > deadline) throw new Error(`trace of ${callId} after ${timeoutMs} ms: ${JSON.stringify(trace?.events.map((e) => e.type))}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const plays = (trace: CallTrace, name: string) =>
  trace.events.filter((e: TracedEvent) => e.type === 'play' && e.item.type === 'prompt' && e.item.name === name).length;

test('300 wrong keys in 12 s: one "invalid choice" per question, the fallback, and the PBX answers all along', async ({ pbx }) => {
  const caller = await HeadlessPhone.connect({ baseUrl: pbx.url, frames: toneFrames(300, 1) });
  try {
    const callId = await caller.dial(MENU_NUMBER);
    await caller.waitState('connected', 30_000);
    await traceOf(pbx, callId, (t) => t.events.some((e) => e.type === 'play'), 15_000);

    const flood = caller.pressKeys('7'.repeat(300), FLOOD).catch(() => undefined);
    // The PBX keeps answering while the keys pour in.
    for (let i = 0; i < 5; i++) {
      const status = await fetch(`${pbx.url}/healthz`, { signal: AbortSignal.timeout(5000) });
      assert.ok(status.status === 200, `health answered during the flood (${status.status})`);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    // Wrong key, "invalid choice", the menu once more (retries: 1), wrong key again, the fallback
    // (hang up): seconds, not a prompt for each of the 300 keys.
    const ended = await caller.waitState('ended', 30_000);
    await flood;
    const trace = await traceOf(pbx, callId, (t) => t.endedAt !== null, 10_000);
    const outcomes = trace.events.filter((e) => e.type === 'menu-outcome');
    assert.equal(
      outcomes.map((e) => (e.type === 'menu-outcome' ? e.because : null)),
      ['fallback'],
      'the menu ends once, by its fallback',
    );
    // The menu asks twice (retries: 1); each question takes one key, the keys pressed while the PBX
    // speaks "invalid choice" are not answers to anything and are dropped.
    assert.is(plays(trace, 'invalid-choice'), 2, '"invalid choice" once per question');
    assert.is(trace.events.filter((e) => e.type === 'digit').length, 2, 'one key taken per question');
    assert.ok(trace.events.length < 100, `the trace stays small: ${trace.events.length} events`);
    const end = trace.events.find((e) => e.type === 'ended');
    assert.ok(end?.type === 'ended' && end.by === 'pbx', `the PBX hung up (${JSON.stringify(end)}), the caller was told: ${ended.reason}`);
  } finally {
    await caller.close();
  }
});

test('the next caller goes through the same menu to Sales and leaves a message', async ({ pbx }) => {
  const caller = await HeadlessPhone.connect({ baseUrl: pbx.url, frames: toneFrames(500, 1) });
  try {
    const before = (await pbx.admin.boxMessages('vm-sales')).length;
    const callId = await caller.dial(MENU_NUMBER);
    await caller.waitState('connected', 30_000);
    await traceOf(pbx, callId, (t) => t.events.some((e) => e.type === 'play'), 15_000);
    await caller.pressKeys('1');
    await traceOf(pbx, callId, (t) => t.events.some((e) => e.type === 'play' && e.item.type === 'beep'), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await caller.pressKeys('#');
    const trace = await traceOf(pbx, callId, (t) => t.events.some((e) => e.type === 'voicemail-message'), 20_000);
    const saved = trace.events.find((e) => e.type === 'voicemail-message');
    assert.ok(saved?.type === 'voicemail-message' && saved.kept && saved.boxId === 'vm-sales', JSON.stringify(saved));
    assert.ok(saved.durationMs >= 2000 && saved.durationMs <= 4500, `${saved.durationMs} ms kept`);
    assert.is((await pbx.admin.boxMessages('vm-sales')).length, before + 1);
  } finally {
    await caller.close();
  }
});

test.run();
