// Whole-configuration checks run by Apply changes: everything a single field's schema cannot see
// (references between entities, uniqueness). Each problem is a sentence an admin can act on.
import { findDestinationLoops } from './destination-loops.ts';
import { PbxConfig, type Destination, type ForwardingTarget, type User } from './schema.ts';

export interface Problem {
  /** Where the problem is, e.g. "users/u1/forwardings/noAnswer/targets/0". */
  path: string;
  message: string;
}

export function validateConfig(candidate: unknown): Problem[] {
  const parsed = PbxConfig.safeParse(candidate);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({ path: issue.path.join('/'), message: issue.message }));
  }
  const config = parsed.data;
  const problems: Problem[] = [];
  const users = new Map(config.users.map((u) => [u.id, u]));
  const boxes = new Map(config.voicemailBoxes.map((b) => [b.id, b]));
  const messages = new Map(config.audioMessages.map((m) => [m.id, m]));
  const menus = new Map(config.ivrMenus.map((m) => [m.id, m]));
  const rooms = new Map(config.conferenceRooms.map((r) => [r.id, r]));
  const openingHours = new Map(config.openingHours.map((h) => [h.id, h]));
  const userLabel = (u: User) => `User ${u.name} (${u.extension})`;

  reportDuplicates(config.users, (u) => u.extension, (u, first) =>
    problems.push({ path: `users/${u.id}/extension`, message: `${userLabel(u)} has extension ${u.extension}, already used by ${first.name}` }));
  reportDuplicates(config.incomingNumbers, (n) => n.number, (n) =>
    problems.push({ path: `incomingNumbers/${n.id}/number`, message: `Incoming number ${n.number} is listed twice` }));
  for (const collection of ['users', 'voicemailBoxes', 'incomingNumbers', 'audioMessages', 'ivrMenus', 'conferenceRooms', 'openingHours'] as const) {
    reportDuplicates<{ id: string }>(config[collection], (e) => e.id, (e) =>
      problems.push({ path: `${collection}/${e.id}`, message: `Two entries of ${collection} share the id ${e.id}` }));
  }

  const checkForwardingTarget = (owner: User, chain: string, target: ForwardingTarget, index: number) => {
    const path = `users/${owner.id}/forwardings/${chain}/targets/${index}`;
    const chainName = chain === 'noAnswer' ? 'forwarding on no answer' : 'forwarding on busy';
    if (target.type === 'user') {
      const other = users.get(target.userId);
      if (!other) problems.push({ path, message: `${userLabel(owner)}: ${chainName} step ${index + 1} rings a user that no longer exists` });
      else if (other.id === owner.id) problems.push({ path, message: `${userLabel(owner)}: ${chainName} step ${index + 1} rings the user himself` });
    } else {
      const box = boxes.get(target.boxId);
      if (!box) problems.push({ path, message: `${userLabel(owner)}: ${chainName} step ${index + 1} goes to a voicemail box that no longer exists` });
      else if (!box.enabled) problems.push({ path, message: `${userLabel(owner)}: ${chainName} step ${index + 1} goes to the disabled voicemail box ${box.name}` });
    }
  };

  for (const user of config.users) {
    for (const chain of ['noAnswer', 'busy'] as const) {
      const forwarding = user.forwardings[chain];
      // A last resort with Voicemail No is allowed: the caller then hears "not available".
      forwarding.targets.forEach((target, index) => checkForwardingTarget(user, chain, target, index));
    }
    if (user.voicemail && !config.voicemailBoxes.some((b) => b.owner.type === 'user' && b.owner.userId === user.id && b.enabled)) {
      problems.push({ path: `users/${user.id}/voicemail`, message: `${userLabel(user)} has Voicemail Yes but no voicemail box` });
    }
  }

  for (const box of config.voicemailBoxes) {
    if (box.owner.type === 'user' && !users.has(box.owner.userId)) {
      problems.push({ path: `voicemailBoxes/${box.id}/owner`, message: `Voicemail box ${box.name} belongs to a user that no longer exists` });
    }
    if (box.greeting.type === 'audio' && !messages.has(box.greeting.audioMessageId)) {
      problems.push({ path: `voicemailBoxes/${box.id}/greeting`, message: `Voicemail box ${box.name} greets with an audio message that no longer exists` });
    }
    if (box.limits.minMessageSeconds >= box.limits.maxMessageSeconds) {
      problems.push({ path: `voicemailBoxes/${box.id}/limits`, message: `Voicemail box ${box.name}: the minimum message length must be shorter than the maximum` });
    }
  }

  const checkDestination = (destination: Destination, path: string, what: string) => {
    if (destination.type === 'user' && !users.has(destination.userId)) {
      problems.push({ path, message: `${what} goes to a user that no longer exists` });
    } else if (destination.type === 'voicemail') {
      const box = boxes.get(destination.boxId);
      if (!box) problems.push({ path, message: `${what} goes to a voicemail box that no longer exists` });
      else if (!box.enabled) problems.push({ path, message: `${what} goes to the disabled voicemail box ${box.name}` });
    } else if (destination.type === 'ivr' && !menus.has(destination.menuId)) {
      problems.push({ path, message: `${what} goes to an IVR menu that no longer exists` });
    } else if (destination.type === 'conference' && !rooms.has(destination.roomId)) {
      problems.push({ path, message: `${what} goes to a conference room that no longer exists` });
    } else if (destination.type === 'opening-hours' && !openingHours.has(destination.openingHoursId)) {
      problems.push({ path, message: `${what} goes to opening hours that no longer exist` });
    } else if (destination.type === 'hangup' && destination.audioMessageId !== undefined && !messages.has(destination.audioMessageId)) {
      problems.push({ path, message: `${what} hangs up after an audio message that no longer exists` });
    }
  };

  for (const menu of config.ivrMenus) {
    const what = `IVR menu ${menu.name}`;
    if (menu.promptMessageId !== null && !messages.has(menu.promptMessageId)) {
      problems.push({ path: `ivrMenus/${menu.id}/promptMessageId`, message: `${what} plays a prompt (audio message) that no longer exists` });
    }
    reportDuplicates(menu.choices, (c) => c.key, (c) =>
      problems.push({ path: `ivrMenus/${menu.id}/choices`, message: `${what}: key ${c.key} is given two destinations` }));
    menu.choices.forEach((choice, index) => checkDestination(choice.destination, `ivrMenus/${menu.id}/choices/${index}/destination`, `${what}: key ${choice.key}`));
    checkDestination(menu.fallback, `ivrMenus/${menu.id}/fallback`, `${what}: the fallback`);
  }

  for (const hours of config.openingHours) {
    const what = `Opening hours ${hours.name}`;
    hours.ranges.forEach((range, index) => {
      if (range.from >= range.to) {
        problems.push({
          path: `openingHours/${hours.id}/ranges/${index}`,
          message: `${what}: ${range.day} ${range.from}–${range.to} ends before it starts (a range past midnight is two ranges, one each day)`,
        });
      }
    });
    reportDuplicates(hours.holidays, (h) => h.date, (h) =>
      problems.push({ path: `openingHours/${hours.id}/holidays`, message: `${what}: the holiday ${h.date} is listed twice` }));
    checkDestination(hours.open, `openingHours/${hours.id}/open`, `${what}: when open`);
    checkDestination(hours.closed, `openingHours/${hours.id}/closed`, `${what}: when closed`);
  }

  for (const loop of findDestinationLoops(config)) {
    const names = [
      ...loop.menuIds.map((id) => `IVR menu ${menus.get(id)!.name}`),
      ...loop.openingHoursIds.map((id) => `opening hours ${openingHours.get(id)!.name}`),
    ];
    const first = loop.menuIds[0] !== undefined ? `ivrMenus/${loop.menuIds[0]}` : `openingHours/${loop.openingHoursIds[0]}`;
    const group = names.length === 1 ? `${names[0]} leads only to itself` : `${names.join(', ')} lead only to one another`;
    problems.push({
      path: first,
      message:
        loop.kind === 'no-exit'
          ? `${group}: callers could never get out. Give one key or the fallback another destination (a user, a voicemail box, hang up)`
          : `${group.replace(/^o/, 'O')} with no menu in between: calls would go round forever`,
    });
  }

  for (const incoming of config.incomingNumbers) {
    const what = `Incoming number ${incoming.number}${incoming.label ? ` (${incoming.label})` : ''}`;
    checkDestination(incoming.destination, `incomingNumbers/${incoming.id}/destination`, what);
    if (incoming.preAnswerMessageId !== null && !messages.has(incoming.preAnswerMessageId)) {
      problems.push({ path: `incomingNumbers/${incoming.id}/preAnswerMessageId`, message: `${what} plays an audio message that no longer exists` });
    }
    const ringing = incoming.whileRinging;
    if (ringing.type === 'music-on-hold' && ringing.repeatedMessageId !== null) {
      const message = messages.get(ringing.repeatedMessageId);
      const path = `incomingNumbers/${incoming.id}/whileRinging/repeatedMessageId`;
      if (!message) problems.push({ path, message: `${what} repeats an audio message that no longer exists over its waiting music` });
      else if (message.fileId === null) problems.push({ path, message: `${what} repeats the audio message ${message.name} over its waiting music, but that message has no audio yet` });
    }
    if (incoming.smsCompatible && incoming.smsEmail === '' && config.settings.defaultSmsEmail === '') {
      problems.push({
        path: `incomingNumbers/${incoming.id}/smsEmail`,
        message: `${what} is SMS compatible but has no SMS e-mail address, and Settings has no default address`,
      });
    }
  }
  return problems;
}

function reportDuplicates<T>(items: readonly T[], key: (item: T) => string, report: (duplicate: T, first: T) => void): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const first = seen.get(key(item));
    if (first === undefined) seen.set(key(item), item);
    else report(item, first);
  }
}
