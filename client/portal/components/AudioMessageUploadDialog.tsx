// "Upload a file" on a row of the Audio messages page: an MP3 or WAV becomes the message's audio
// in the draft (its source then reads "Uploaded file").
import type { AudioMessage } from '../../../data/schema.ts';
import { durationInWords } from '../words.ts';
import { AudioUploadDialog } from './AudioUploadDialog.tsx';

export function AudioMessageUploadDialog({ message, onClose }: { message: AudioMessage; onClose(): void }) {
  return (
    <AudioUploadDialog
      title={`Upload a file for ${message.name}`}
      lead="Choose an MP3 or WAV file: it becomes this message's audio once you apply changes."
      path={`/api/draft/audio-messages/${encodeURIComponent(message.id)}/upload`}
      done={(answer, file) => {
        const entity = (answer as unknown as { entity: AudioMessage }).entity;
        return `${file.name} is the audio of ${message.name} (${durationInWords(entity.durationMs)}; ${answer.description}).`;
      }}
      onClose={onClose}
      testId="message-upload-dialog"
    />
  );
}
