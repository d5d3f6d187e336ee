// How a caller goes through an IVR menu, apart from the media: ask, check the key, repeat, give up.
// The engine supplies the caller (prompt, keys, "invalid choice"); tests supply a scripted one.
import type { Destination, IvrMenu } from '../../data/schema.ts';
import { MENU_KEYS } from '../../data/schema.ts';
import type { Playable } from './ports.ts';

export interface MenuCaller {
  /** Plays the menu's prompt and waits for any key (one stops the prompt); null: no key in time, or the call ended. */
  askForKey(menu: IvrMenu): Promise<string | null>;
  sayInvalidChoice(): Promise<void>;
  readonly ended: boolean;
}

export type MenuOutcome =
  | { destination: Destination; because: 'key'; key: string }
  | { destination: Destination; because: 'fallback'; invalidKeys: string[]; timeouts: number };

/** Every key a phone can send: any of them stops the prompt, the menu then says whether it is valid. */
export const ANY_MENU_KEY = MENU_KEYS.join('');

/**
 * The prompt, then a key. A key without a destination says "invalid choice" and the menu repeats;
 * no key within the wait repeats it too. After `retries` repeats the fallback applies.
 * Null when the caller hung up.
 */
export async function runMenu(menu: IvrMenu, caller: MenuCaller): Promise<MenuOutcome | null> {
  const invalidKeys: string[] = [];
  let timeouts = 0;
  for (let attempt = 0; ; attempt++) {
    const key = await caller.askForKey(menu);
    if (caller.ended) return null;
    const choice = key === null ? undefined : menu.choices.find((c) => c.key === key);
    if (choice) return { destination: choice.destination, because: 'key', key: choice.key };
    if (key === null) timeouts++;
    else {
      invalidKeys.push(key);
      await caller.sayInvalidChoice();
      if (caller.ended) return null;
    }
    if (attempt >= menu.retries) return { destination: menu.fallback, because: 'fallback', invalidKeys, timeouts };
  }
}

/** What the menu's prompt plays: its audio message, or the spoken text when the message has no audio. */
export function menuPrompt(menu: IvrMenu): { audio: Playable | null; spoken: Playable } {
  return {
    audio: menu.promptMessageId === null ? null : { type: 'audio-message', audioMessageId: menu.promptMessageId },
    spoken: { type: 'spoken', value: { name: 'menu', text: menu.spokenText, keys: menu.choices.map((c) => c.key) } },
  };
}
