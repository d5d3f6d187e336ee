// "Record / listen to a message": recording over the phone and in the browser. A placeholder until
// that feature lands; it changes nothing.
import type { AudioMessage } from '../../../data/schema.ts';
import { LaterReleaseDialog } from './Dialog.tsx';

export function RecordMessageDialog({ onClose }: { message: AudioMessage; onClose(): void }) {
  return <LaterReleaseDialog feature="Recording a message" onClose={onClose} />;
}
