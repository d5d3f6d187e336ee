// Why an audio file was refused, in words an admin can act on. `reason` says which kind of
// refusal it is (the HTTP layer turns it into 415, 422 or 413); media/ knows nothing of HTTP.
export type RejectionReason =
  /** Not MP3 or WAV at all, or a WAV in a coding other than PCM or float. */
  | 'not-mp3-or-wav'
  /** Empty, cut short or damaged: it is MP3 or WAV, but its audio cannot be read whole. */
  | 'unreadable'
  /** More bytes, or more minutes of audio, than the PBX takes. */
  | 'too-large';

export class AudioFileRejected extends Error {
  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message);
  }
}
