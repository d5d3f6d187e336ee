// Which microphone a call uses: the person's saved choice (localStorage) when that device is still
// there, otherwise the browser's default; and what went wrong, in words, when the browser refuses.

const STORAGE_KEY = 'switchboard.microphone';

export interface Microphone {
  deviceId: string;
  label: string;
}

export function savedMicrophoneId(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function saveMicrophoneId(deviceId: string | null): void {
  try {
    if (deviceId) localStorage.setItem(STORAGE_KEY, deviceId);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Private windows may refuse storage: the choice then lasts as long as the page.
  }
}

export interface MicrophoneList {
  microphones: Microphone[];
  /** Microphones the browser hides (no id, no name) until the page is allowed to use one. */
  hidden: number;
}

/** The microphones the browser lists. */
export async function listMicrophones(): Promise<MicrophoneList> {
  if (!navigator.mediaDevices?.enumerateDevices) return { microphones: [], hidden: 0 };
  // Chromium also lists its "default" and "communications" aliases: "Browser default" stands for them.
  const inputs = (await navigator.mediaDevices.enumerateDevices()).filter(
    (device) => device.kind === 'audioinput' && device.deviceId !== 'default' && device.deviceId !== 'communications',
  );
  const visible = inputs.filter((device) => device.deviceId !== '');
  return {
    microphones: visible.map((device, index) => ({ deviceId: device.deviceId, label: device.label || `Microphone ${index + 1}` })),
    hidden: inputs.length - visible.length,
  };
}

/** A refusal from getUserMedia, with a sentence the person can act on. */
export class MicrophoneError extends Error {}

export function microphoneErrorInWords(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access is blocked. Allow the microphone for this site (the icon in the address bar), then try again.';
    case 'NotFoundError':
      return 'No microphone was found. Plug one in, then try again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone is in use by another application or could not be started.';
    default:
      return `The microphone could not be opened${error instanceof Error && error.message ? `: ${error.message}` : '.'}`;
  }
}

/** Opens the chosen microphone, or the default one when the chosen device is gone. */
export async function openMicrophone(deviceId: string | null): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MicrophoneError('This browser cannot use a microphone here (the page must be opened over HTTPS).');
  }
  try {
    if (deviceId) {
      try {
        return await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: deviceId } } });
      } catch (error) {
        // Only a vanished device falls back; a refusal is the person's answer and stands.
        if (!(error instanceof DOMException) || (error.name !== 'OverconstrainedError' && error.name !== 'NotFoundError')) throw error;
      }
    }
    return await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    throw new MicrophoneError(microphoneErrorInWords(error));
  }
}
