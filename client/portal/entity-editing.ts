// Saving and deleting one item of the draft from its page: the write, the notice saying what was done,
// and the way back to the list. The page keeps its own fields and builds the input from them.
import { useState } from 'preact/hooks';
import type { WriteResult } from './api.ts';
import { useSubmission, type Submission } from './form.ts';
import { usePortal } from './portal-state.tsx';
import { navigate, type Route } from './router.ts';

/** One collection of the draft as the API writes it (api.users, api.ivrMenus…). */
export interface DraftCollection<I> {
  create(input: I, revision: number): Promise<WriteResult>;
  update(id: string, input: I, revision: number): Promise<WriteResult>;
  remove(id: string, revision: number): Promise<WriteResult>;
}

interface EntityEditingOptions<I> {
  collection: DraftCollection<I>;
  /** The item being edited; null while adding one. */
  id: string | null;
  /** What the notices call such an item, e.g. "Incoming number". */
  noun: string;
  /** Where the page goes once the item is saved or deleted. */
  list: Route;
}

export interface Deleting {
  /** True while the "Delete this…?" question is open. */
  asking: boolean;
  ask(): void;
  cancel(): void;
  /** Deletes the item; `name` is how the notice names it. */
  confirm(name: string): void;
}

export interface EntityEditing<I> {
  submission: Submission;
  /** Adds or updates the item; `name` is how the notice names it. */
  save(input: I, name: string): void;
  deleting: Deleting;
}

export function useEntityEditing<I>({ collection, id, noun, list }: EntityEditingOptions<I>): EntityEditing<I> {
  const { write, notify } = usePortal();
  const submission = useSubmission();
  const [asking, setAsking] = useState(false);

  const save = (input: I, name: string) =>
    void submission.run(async () => {
      if (id !== null) await write((revision) => collection.update(id, input, revision));
      else await write((revision) => collection.create(input, revision));
      notify(`${noun} ${name} ${id !== null ? 'saved' : 'added'}.`);
      navigate(list);
    });

  const confirm = (name: string) =>
    void submission.run(async () => {
      if (id === null) return;
      setAsking(false);
      await write((revision) => collection.remove(id, revision));
      notify(`${noun} ${name} deleted.`);
      navigate(list);
    });

  return { submission, save, deleting: { asking, ask: () => setAsking(true), cancel: () => setAsking(false), confirm } };
}
