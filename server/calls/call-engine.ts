// The call engine: takes what phones ask (dial, answer, reject, hang up, hold), routes calls through
// the production configuration as steps, and tells the media plane what each leg hears. It never
// touches sockets or files: phones, media and history come in through the ports.
import { randomUUID } from 'node:crypto';
import { branchAt } from '../../data/opening-hours.ts';
import type { IvrMenu, PbxConfig } from '../../data/schema.ts';
import type { Logger } from '../logger.ts';
import type { AnswerRequest, CallId, DialRequest, EndReason, Party } from '../signaling/protocol.ts';
import { Call, type Role, type Side } from './call.ts';
import { ConferenceCalls } from './conference-calls.ts';
import { noTrace, summarizeStep, tracedLeg, type CallTraceEvent, type CallTraceSink } from './call-trace.ts';
import { planDestination, planNotInService, planPreAnswer, planVoicemailAccess, resolveDialled, VOICEMAIL_ACCESS_CODE, type RingOutcome, type Step } from './flow.ts';
import { pbxSide, type OriginateRequest, type Origination, type PbxService } from './pbx-call.ts';
import { ANY_MENU_KEY, menuPrompt, runMenu } from './ivr-menu.ts';
import type { PhoneRegistry } from './phone-registry.ts';
import type { CallHistorySink, CallLeg, Clock, LegSource, MediaPlane, PhoneEndpoint, PromptName, VoicemailDeposit, VoicemailListening } from './ports.ts';

export interface PublicCallLimits {
  /** Concurrent calls from the public caller page, all addresses together. */
  total: number;
  /** Concurrent calls from the public caller page per remote address. */
  perAddress: number;
}

export interface CallEngineOptions {
  media: MediaPlane;
  phones: PhoneRegistry;
  /** The production configuration in force now. */
  config: () => PbxConfig;
  history: CallHistorySink;
  voicemail: VoicemailDeposit & VoicemailListening;
  logger: Logger;
  publicLimits: PublicCallLimits;
  /** Where each call's steps, prompts and keys are reported (GET /api/calls/:callId/trace). */
  trace?: CallTraceSink;
  now?: () => Date;
  /** The time: call history, voicemail dates and which branch of opening hours applies. */
  clock?: Clock;
  /** Starts a timer and returns its cancel function; tests pass a faster clock. */
  startTimer?: (callback: () => void, ms: number) => () => void;
}

function startRealTimer(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}

/** How long the PBX waits for a key after a menu prompt. */
const KEY_WAIT_SECONDS = 10;

/**
 * A browser that hangs up closes its peer connection too, and that close may reach the PBX before
 * the hang-up message does: a deliberate close is a hang-up; anything else is a lost connection.
 */
function endReasonForLostMedia(reason: string): EndReason {
  return reason === 'remote-closed' ? 'hangup' : 'connection-lost';
}

/** A request the engine refuses; its message is shown to the person who asked. */
export class CallRefused extends Error {}

export class CallEngine {
  readonly #calls = new Map<CallId, Call>();
  readonly #now: () => Date;
  readonly #startTimer: NonNullable<CallEngineOptions['startTimer']>;
  readonly #trace: CallTraceSink;
  readonly #conferences: ConferenceCalls;

  constructor(private readonly options: CallEngineOptions) {
    const clock = options.clock;
    this.#now = options.now ?? (clock ? () => clock.now() : () => new Date());
    this.#startTimer = options.startTimer ?? startRealTimer;
    this.#trace = options.trace ?? noTrace;
    this.#conferences = new ConferenceCalls({ media: options.media, logger: options.logger, startTimer: this.#startTimer, trace: (callId, event) => this.#trace.record(callId, event) });
  }

  get activeCalls(): number {
    return this.#calls.size;
  }

  async dial(endpoint: PhoneEndpoint, request: DialRequest): Promise<{ callId: CallId; answer: string }> {
    const config = this.options.config();
    const isPublic = endpoint.userId === null;
    if (isPublic) this.#checkPublicLimits(endpoint);
    const destination = resolveDialled(config, request.to, { extensionsAllowed: !isPublic });
    if (destination === 'extension-refused') throw new CallRefused('The public caller page can only dial incoming numbers');
    const steps =
      request.to === VOICEMAIL_ACCESS_CODE && endpoint.userId
        ? planVoicemailAccess(config, endpoint.userId)
        : destination
          ? [...planPreAnswer(config, request.to), ...planDestination(config, destination)]
          : planNotInService();

    const media = await this.options.media.answer(request.offer);
    const { answer } = media;
    const user = endpoint.userId ? config.users.find((u) => u.id === endpoint.userId) : undefined;
    const party: Party = user ? { name: user.name, number: user.extension } : { name: 'Web caller', number: 'web' };
    const callId: CallId = `c-${randomUUID()}`;
    const startedAt = this.#now();
    this.#trace.begin(callId, startedAt);
    const leg = tracedLeg(media.leg, (event) => this.#trace.record(callId, event));
    const call = new Call(callId, { endpoint, leg, party, userId: endpoint.userId }, request.to, startedAt);
    this.#calls.set(call.id, call);
    this.#traceEvent(call, { type: 'dialled', to: request.to, from: party });
    leg.onLost((reason) => this.#end(call, 'caller', endReasonForLostMedia(reason)));
    this.options.logger.info({ callId: call.id, from: party.number, to: request.to }, 'call started');
    void this.#run(call, steps).catch((error: unknown) => {
      this.options.logger.error({ err: error, callId: call.id }, 'call flow failed');
      this.#end(call, 'pbx', 'error');
    });
    return { callId: call.id, answer };
  }

  async answer(endpoint: PhoneEndpoint, request: AnswerRequest): Promise<{ answer: string }> {
    const call = this.#calls.get(request.callId);
    const ringing = call?.ringing;
    if (!call || !ringing || !ringing.endpoints.has(endpoint)) throw new CallRefused('This call is no longer ringing');
    if (ringing.answeredBy) throw new CallRefused('This call was answered on another phone');
    ringing.answeredBy = endpoint;
    let media: Awaited<ReturnType<MediaPlane['answer']>>;
    try {
      media = await this.options.media.answer(request.offer);
    } catch (error) {
      ringing.answeredBy = null;
      throw error;
    }
    if (call.ended) {
      media.leg.close();
      throw new CallRefused('The caller hung up');
    }
    const user = this.options.config().users.find((u) => u.id === ringing.userId);
    call.callee = { endpoint, leg: media.leg, party: { name: user?.name ?? 'Unknown', number: user?.extension ?? '' }, userId: ringing.userId };
    call.answeredAt = this.#now();
    this.#traceEvent(call, { type: 'answered', userId: ringing.userId });
    media.leg.onLost((reason) => this.#end(call, 'callee', endReasonForLostMedia(reason)));
    ringing.finish('answered');
    if (call.service) this.#serve(call, call.service);
    else {
      this.#relayDigits(call);
      this.#connectMedia(call);
    }
    this.#sendState(call);
    this.options.logger.info({ callId: call.id, answeredBy: ringing.userId }, 'call answered');
    return { answer: media.answer };
  }

  reject(endpoint: PhoneEndpoint, callId: CallId): void {
    const call = this.#calls.get(callId);
    if (!call?.ringing?.endpoints.has(endpoint) || call.ringing.answeredBy) return;
    endpoint.update({ callId, state: 'ended', reason: 'rejected' });
    call.ringing.endpoints.delete(endpoint);
    // Declining on one phone declines for the user, as a busy signal does.
    call.ringing.finish('busy');
  }

  hangup(endpoint: PhoneEndpoint, callId: CallId): void {
    const call = this.#calls.get(callId);
    if (!call) return;
    const role = call.roleOf(endpoint);
    if (role) this.#end(call, role, 'hangup');
    else if (call.ringing?.endpoints.has(endpoint)) this.reject(endpoint, callId);
  }

  hold(endpoint: PhoneEndpoint, callId: CallId, hold: boolean): void {
    const call = this.#calls.get(callId);
    const role = call?.roleOf(endpoint);
    if (!call || !role) throw new CallRefused('No such call on this phone');
    if (!call.connected) throw new CallRefused('Only a connected call can be put on hold');
    if (call.service) throw new CallRefused('A call from the PBX itself cannot be put on hold');
    if (hold) call.held.add(role);
    else call.held.delete(role);
    this.#connectMedia(call);
    this.#sendState(call);
  }

  /**
   * The PBX calls a user: the user's phones ring as for any call, with `from` as the caller; once
   * one answers, the service runs on its leg, and the PBX hangs up when the service is done.
   */
  async originate(request: OriginateRequest): Promise<Origination> {
    const call = new Call(`c-${randomUUID()}`, pbxSide(request.from), request.dialled, this.#now());
    call.service = request.service;
    const outcome = this.#ring(call, request.userId, request.ringSeconds);
    if (!call.ringing) {
      const refused = await outcome;
      return { rang: false, outcome: refused === 'busy' ? 'busy' : 'unavailable' };
    }
    this.#calls.set(call.id, call);
    this.#trace.begin(call.id, call.startedAt);
    this.#traceEvent(call, { type: 'dialled', to: request.dialled, from: request.from });
    this.options.logger.info({ callId: call.id, to: request.dialled }, 'the PBX calls a user');
    void outcome.then((result) => {
      if (result !== 'answered') this.#end(call, 'pbx', result === 'busy' ? 'rejected' : 'no-answer');
    });
    const ended = new Promise<EndReason>((resolve) => call.onEnded(() => resolve(call.endReason ?? 'hangup')));
    return { rang: true, callId: call.id, outcome, ended, hangUp: () => this.#end(call, 'pbx', 'hangup') };
  }

  /** A phone disconnected (tab closed, network gone): its calls end, it stops ringing. */
  endpointGone(endpoint: PhoneEndpoint): void {
    for (const call of [...this.#calls.values()]) {
      const role = call.roleOf(endpoint);
      if (role) this.#end(call, role, 'connection-lost');
      else if (call.ringing?.endpoints.delete(endpoint) && call.ringing.endpoints.size === 0 && !call.ringing.answeredBy) {
        call.ringing.finish('no-answer');
      }
    }
  }

  /** Ends every call, e.g. at shutdown. */
  endAll(): void {
    for (const call of [...this.#calls.values()]) this.#end(call, 'pbx', 'unavailable');
  }

  // --- flow ---

  async #run(call: Call, steps: readonly Step[]): Promise<void> {
    for (const step of steps) {
      if (call.ended) return;
      this.#traceEvent(call, { type: 'step', step: summarizeStep(step) });
      switch (step.type) {
        case 'play':
          await call.caller.leg.play(step.prompt);
          break;
        case 'announce':
          await call.caller.leg.playItem({ type: 'audio-message', audioMessageId: step.audioMessageId });
          break;
        case 'menu':
          return this.#runMenu(call, step.menuId);
        case 'opening-hours':
          return this.#followOpeningHours(call, step.openingHoursId);
        case 'hangup':
          this.#end(call, 'pbx', step.reason);
          return;
        case 'voicemail':
          await this.#leaveMessage(call, step.boxId);
          return;
        case 'listen-to-messages':
          await this.#listenToMessages(call, step.boxId);
          return;
        case 'conference': {
          const room = this.options.config().conferenceRooms.find((r) => r.id === step.roomId);
          const outcome = room ? await this.#conferences.enter(call, room) : 'full';
          this.#end(call, 'pbx', outcome === 'left' ? 'hangup' : 'unavailable');
          return;
        }
        case 'ring': {
          const outcome = await this.#ring(call, step.userId, step.seconds);
          this.#traceEvent(call, { type: 'ring-ended', userId: step.userId, outcome });
          if (outcome === 'answered' || call.ended) return;
          const branch = outcome === 'busy' ? step.onBusy : step.onNoAnswer;
          if (branch) return this.#run(call, branch);
          break;
        }
      }
    }
  }

  #ring(call: Call, userId: string, seconds: number): Promise<RingOutcome> {
    const user = this.options.config().users.find((u) => u.id === userId);
    if (!user) return Promise.resolve('unavailable');
    if ([...this.#calls.values()].some((other) => other !== call && !other.ended && other.involvesUser(userId))) {
      return Promise.resolve('busy');
    }
    const endpoints = this.options.phones.endpointsOf(userId).filter((e) => e !== call.caller.endpoint);
    if (endpoints.length === 0) return Promise.resolve('unavailable');

    call.rangUserIds.add(userId);
    this.#traceEvent(call, { type: 'ringing', userId, phones: endpoints.length });
    call.caller.leg.hear(this.#whileRinging(call));
    call.caller.endpoint.update({ callId: call.id, state: 'ringing', peer: { name: user.name, number: user.extension } });
    return new Promise<RingOutcome>((resolve) => {
      const cancelTimer = this.#startTimer(() => ringing.finish('no-answer'), seconds * 1000);
      const ringing: NonNullable<Call['ringing']> = {
        userId,
        endpoints: new Set(endpoints),
        answeredBy: null,
        finish: (outcome) => {
          if (call.ringing !== ringing) return;
          cancelTimer();
          call.ringing = null;
          for (const endpoint of ringing.endpoints) {
            if (endpoint === ringing.answeredBy) continue;
            endpoint.update({ callId: call.id, state: 'ended', reason: outcome === 'answered' ? 'answered-elsewhere' : 'cancelled' });
          }
          if (outcome !== 'answered' && !call.ended) call.caller.leg.hear({ type: 'silence' });
          resolve(outcome);
        },
      };
      call.ringing = ringing;
      for (const endpoint of endpoints) endpoint.incoming({ callId: call.id, from: call.caller.party, to: call.dialled });
    });
  }

  /** Ringback, or the dialled incoming number's waiting music when it chose music on hold. */
  #whileRinging(call: Call): LegSource {
    const number = this.options.config().incomingNumbers.find((n) => n.number === call.dialled);
    return number?.whileRinging.type === 'music-on-hold' ? { type: 'waiting-music', incomingNumberId: number.id } : { type: 'ringback' };
  }

  /** The caller leaves a message: greeting, beep, recording until hang-up, #, silence or the max length. */
  async #leaveMessage(call: Call, boxId: string): Promise<void> {
    const box = this.options.config().voicemailBoxes.find((b) => b.id === boxId && b.enabled);
    const leg = call.caller.leg;
    if (!box) {
      await leg.play('not-available');
      return this.#end(call, 'pbx', 'unavailable');
    }
    call.caller.endpoint.update({ callId: call.id, state: 'connected', peer: { name: `Voicemail of ${box.name}`, number: call.dialled } });
    // The place is taken before the greeting: a second caller to the box's last place hears "full".
    const reserved = await this.options.voicemail.reserve(box.id, {
      callerName: call.caller.party.name,
      callerNumber: call.caller.party.number,
      dialled: call.dialled,
      startedAt: this.#now().toISOString(),
    });
    if (!reserved) {
      await leg.play('mailbox-full');
      return this.#end(call, 'pbx', 'unavailable');
    }
    const { messageId, audioPath } = reserved;
    const greeted = box.greeting.type === 'audio' && (await leg.playItem({ type: 'audio-message', audioMessageId: box.greeting.audioMessageId }));
    if (!greeted && !call.ended) await leg.play('voicemail-greeting');
    if (!call.ended) await leg.playItem({ type: 'beep' });
    if (call.ended) return this.options.voicemail.discard(messageId);

    const { limits } = box;
    const recording = await leg.record(audioPath, { silenceSeconds: limits.silenceEndSeconds });
    const cleanups: (() => void)[] = [];
    const ending = await new Promise<'hangup' | 'pound' | 'silence' | 'max-length'>((resolve) => {
      cleanups.push(leg.onDigit((digit) => digit === '#' && resolve('pound'), { inBand: true }));
      cleanups.push(this.#startTimer(() => resolve('max-length'), limits.maxMessageSeconds * 1000));
      recording.onSilence(() => resolve('silence'));
      call.onEnded(() => resolve('hangup'));
    });
    for (const cleanup of cleanups) cleanup();
    const result = await recording.stop();
    // What ended the message is not part of it: the silence waited for, the tone of a # sent as sound.
    const trimmedMs = ending === 'silence' ? result.trailingSilenceMs : ending === 'pound' ? result.keyToneMs : 0;
    const durationMs = result.durationMs - trimmedMs;
    const kept = durationMs >= limits.minMessageSeconds * 1000;
    if (kept) await this.options.voicemail.commit(messageId, durationMs);
    else await this.options.voicemail.discard(messageId);
    this.#traceEvent(call, { type: 'voicemail-message', boxId: box.id, messageId, durationMs, kept, ending });
    this.options.logger.info({ callId: call.id, boxId: box.id, messageId, ending, durationMs, kept }, 'voicemail message');
    if (call.ended) return;
    await leg.play(ending === 'max-length' ? 'message-too-long' : kept ? 'message-saved' : 'goodbye');
    this.#end(call, 'pbx', 'hangup');
  }

  /** *97: the new messages one by one; 1 repeats, 7 deletes, 9 (or no key) keeps it as heard and goes on. */
  async #listenToMessages(call: Call, boxId: string): Promise<void> {
    const { voicemail } = this.options;
    const leg = call.caller.leg;
    call.caller.endpoint.update({ callId: call.id, state: 'connected', peer: { name: 'Voicemail', number: VOICEMAIL_ACCESS_CODE } });
    const messages = voicemail.newMessages(boxId);
    if (messages.length === 0) {
      await leg.play('no-new-messages');
      return this.#end(call, 'pbx', 'hangup');
    }
    await leg.playItem({ type: 'spoken', value: { name: 'new-messages', count: messages.length } });
    for (let index = 0; index < messages.length && !call.ended; ) {
      const message = messages[index]!;
      await leg.playItem({ type: 'spoken', value: { name: 'message-from', index: index + 1, caller: message.callerNumber } });
      if (!call.ended) await leg.playItem({ type: 'recording', path: message.audioPath });
      const key = call.ended ? null : await this.#askForKey(call, leg, 'message-options', '179');
      if (key === '1') continue;
      if (key === '7') {
        await voicemail.remove(message.id);
        if (!call.ended) await leg.play('message-deleted');
      } else if (!call.ended || key === '9') {
        await voicemail.markHeard(message.id);
      }
      index++;
    }
    if (call.ended) return;
    await leg.play('no-more-messages');
    this.#end(call, 'pbx', 'hangup');
  }

  /** An IVR menu: the caller chooses with a key; the chosen destination (or the fallback) runs next. */
  async #runMenu(call: Call, menuId: string): Promise<void> {
    const leg = call.caller.leg;
    const menu = this.options.config().ivrMenus.find((m) => m.id === menuId);
    if (!menu) {
      await leg.play('not-available');
      return this.#end(call, 'pbx', 'unavailable');
    }
    call.caller.endpoint.update({ callId: call.id, state: 'connected', peer: { name: menu.name, number: call.dialled } });
    const outcome = await runMenu(menu, {
      askForKey: (current: IvrMenu) => this.#askForKey(call, leg, () => this.#playMenuPrompt(call, current), ANY_MENU_KEY, current.timeoutSeconds),
      sayInvalidChoice: () => leg.play('invalid-choice'),
      get ended() {
        return call.ended;
      },
    });
    if (!outcome || call.ended) return;
    this.options.logger.info({ callId: call.id, menuId, ...outcome }, 'menu choice');
    this.#traceEvent(call, { type: 'menu-outcome', menuId, because: outcome.because, key: outcome.because === 'key' ? outcome.key : null });
    return this.#run(call, planDestination(this.options.config(), outcome.destination));
  }

  /** The menu's audio message; its spoken text when the message has no audio (yet). */
  async #playMenuPrompt(call: Call, menu: IvrMenu): Promise<void> {
    const { audio, spoken } = menuPrompt(menu);
    const played = audio !== null && (await call.caller.leg.playItem(audio));
    if (!played && !call.ended) await call.caller.leg.playItem(spoken);
  }

  /** Opening hours: the branch the clock says now (in the PBX's time zone) runs. */
  #followOpeningHours(call: Call, openingHoursId: string): Promise<void> {
    const config = this.options.config();
    const hours = config.openingHours.find((h) => h.id === openingHoursId);
    if (!hours) return this.#run(call, planDestination(config, { type: 'hangup' }));
    const destination = branchAt(hours, config.settings.timeZone, this.#now());
    const open = destination === hours.open;
    this.options.logger.info({ callId: call.id, openingHoursId, open }, 'opening hours');
    this.#traceEvent(call, { type: 'opening-hours', openingHoursId, open });
    return this.#run(call, planDestination(config, destination));
  }

  /**
   * Plays a menu prompt and waits for one of `keys`, also while the prompt plays (a key stops it).
   * Other keys are ignored. Resolves null on no key within the wait, or when the call ends.
   */
  #askForKey(
    call: Call,
    leg: CallLeg,
    prompt: PromptName | (() => Promise<unknown>),
    keys: string,
    waitSeconds = KEY_WAIT_SECONDS,
  ): Promise<string | null> {
    return new Promise((resolve) => {
      let cancelTimer = () => {};
      let settled = false;
      const finish = (key: string | null) => {
        if (settled) return;
        settled = true;
        stopListening();
        cancelTimer();
        resolve(key);
      };
      const stopListening = leg.onDigit(
        (digit) => {
          if (!keys.includes(digit)) return;
          leg.hear({ type: 'silence' });
          finish(digit);
        },
        { inBand: true },
      );
      call.onEnded(() => finish(null));
      const playing = typeof prompt === 'function' ? prompt() : leg.play(prompt);
      void playing.then(() => {
        if (!settled) cancelTimer = this.#startTimer(() => finish(null), waitSeconds * 1000);
      });
    });
  }

  /** Runs a PBX-placed call's service on the answered leg; the PBX hangs up when it is done. */
  #serve(call: Call, service: PbxService): void {
    // The menu's prompts and keys go into the call's trace, as a caller's would.
    const leg = tracedLeg(call.callee!.leg, (event) => this.#trace.record(call.id, event));
    const startTimer = this.#startTimer;
    void service({
      leg,
      get ended() {
        return call.ended;
      },
      onEnded: (listener) => call.onEnded(listener),
      startTimer,
    })
      .catch((error: unknown) => this.options.logger.error({ err: error, callId: call.id }, 'PBX call service failed'))
      .finally(() => this.#end(call, 'pbx', 'hangup'));
  }

  // --- media and state ---

  /** Who hears what: the other party, or hold music when the other side holds, or silence. */
  #connectMedia(call: Call): void {
    if (!call.callee) return;
    const sides: [Role, Side, Side][] = [
      ['caller', call.caller, call.callee],
      ['callee', call.callee, call.caller],
    ];
    for (const [role, self, other] of sides) {
      const otherRole: Role = role === 'caller' ? 'callee' : 'caller';
      if (call.held.has(otherRole)) self.leg.hear({ type: 'music-on-hold' });
      else if (call.held.has(role)) self.leg.hear({ type: 'silence' });
      else self.leg.hear({ type: 'party', leg: other.leg });
    }
  }

  /** Keys pressed on one side are logged and played to the other, as a PBX passes DTMF through. */
  #relayDigits(call: Call): void {
    const { caller, callee } = call;
    if (!callee) return;
    for (const [role, from, to] of [['caller', caller, callee], ['callee', callee, caller]] as const) {
      from.leg.onDigit((digit) => {
        if (call.ended) return;
        this.options.logger.info({ callId: call.id, from: role, digit }, 'dtmf');
        to.leg.sendDigits(digit);
      });
    }
  }

  #sendState(call: Call): void {
    for (const role of ['caller', 'callee'] as const) {
      const self = call.side(role);
      const other = call.side(role === 'caller' ? 'callee' : 'caller');
      self?.endpoint.update({ callId: call.id, state: call.stateFor(role), heldBy: call.heldByFor(role), peer: other?.party });
    }
  }

  #end(call: Call, by: Role | 'pbx', reason: EndReason): void {
    if (call.ended) return;
    call.markEnded(reason);
    call.ringing?.finish('no-answer');
    for (const role of ['caller', 'callee'] as const) {
      const side = call.side(role);
      if (!side) continue;
      const seenReason: EndReason = by === 'pbx' || by === role ? reason : reason === 'hangup' ? 'remote-hangup' : reason;
      side.endpoint.update({ callId: call.id, state: 'ended', reason: seenReason });
      side.leg.close();
    }
    this.#calls.delete(call.id);
    this.#traceEvent(call, { type: 'ended', by, reason });
    this.options.logger.info({ callId: call.id, by, reason }, 'call ended');
    void this.#record(call);
  }

  /** A trace is for looking on: a fault in it is logged, never allowed to break the call. */
  #traceEvent(call: Call, event: CallTraceEvent): void {
    try {
      this.#trace.record(call.id, event);
    } catch (error) {
      this.options.logger.error({ err: error, callId: call.id, event: event.type }, 'call trace failed');
    }
  }

  async #record(call: Call): Promise<void> {
    const endedAt = this.#now();
    try {
      await this.options.history.record({
        callId: call.id,
        startedAt: call.startedAt.toISOString(),
        endedAt: endedAt.toISOString(),
        fromUserId: call.caller.userId,
        fromName: call.caller.party.name,
        fromNumber: call.caller.party.number,
        to: call.dialled,
        rangUserIds: [...call.rangUserIds],
        answeredByUserId: call.callee?.userId ?? null,
        answeredAt: call.answeredAt?.toISOString() ?? null,
        durationSeconds: call.answeredAt ? Math.round((endedAt.getTime() - call.answeredAt.getTime()) / 1000) : 0,
        endReason: call.endReason ?? 'hangup',
      });
    } catch (error) {
      this.options.logger.error({ err: error, callId: call.id }, 'could not store the call in the history');
    }
    const told = new Set<PhoneEndpoint>([call.caller.endpoint]);
    if (call.callee) told.add(call.callee.endpoint);
    for (const userId of call.rangUserIds) for (const endpoint of this.options.phones.endpointsOf(userId)) told.add(endpoint);
    for (const endpoint of told) endpoint.historyChanged();
  }

  #checkPublicLimits(endpoint: PhoneEndpoint): void {
    const publicCalls = [...this.#calls.values()].filter((call) => call.caller.userId === null);
    if (publicCalls.length >= this.options.publicLimits.total) {
      throw new CallRefused('Too many calls from the public caller page right now; try again in a moment');
    }
    if (publicCalls.filter((call) => call.caller.endpoint.address === endpoint.address).length >= this.options.publicLimits.perAddress) {
      throw new CallRefused('Too many calls from your address at once; hang up one first');
    }
  }
}
