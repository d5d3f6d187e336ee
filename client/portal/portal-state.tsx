// What every page of the portal shares: the API, the draft being edited (with its revision, so writes
// can send If-Match), and the short notices shown after a save.
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ApiError, Draft, PortalApi, Session, WriteResult } from './api.ts';

export interface Notice {
  id: number;
  text: string;
}

export interface PortalState {
  api: PortalApi;
  session: Session;
  draft: Draft | null;
  draftError: ApiError | null;
  /** Re-reads the draft (e.g. after Apply or Discard). */
  refresh(): Promise<void>;
  /** Runs a draft write based on the revision last read, then re-reads the draft. */
  write<T extends WriteResult>(call: (revision: number) => Promise<T>): Promise<T>;
  /** After "someone else changed the draft": re-read it and re-open the page with fresh data. */
  reload(): Promise<void>;
  /** Grows with every reload(); pages are keyed by it so their forms start again from the draft. */
  reloadCount: number;
  notices: Notice[];
  notify(text: string): void;
  signOut(): Promise<void>;
}

const PortalContext = createContext<PortalState | null>(null);

export function usePortal(): PortalState {
  const state = useContext(PortalContext);
  if (!state) throw new Error('usePortal() outside <PortalProvider>');
  return state;
}

/** The draft, known to be loaded: pages render only once it is. */
export function useDraft(): Draft {
  const { draft } = usePortal();
  if (!draft) throw new Error('useDraft() before the draft is loaded');
  return draft;
}

interface ProviderProps {
  api: PortalApi;
  session: Session;
  onSignedOut(): void;
  children: ComponentChildren;
}

export function PortalProvider({ api, session, onSignedOut, children }: ProviderProps) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [draftError, setDraftError] = useState<ApiError | null>(null);
  const [reloadCount, setReloadCount] = useState(0);
  const [notices, setNotices] = useState<Notice[]>([]);
  const revision = useRef<number | null>(null);
  const noticeId = useRef(0);

  const refresh = useCallback(async () => {
    try {
      const fresh = await api.getDraft();
      revision.current = fresh.revision;
      setDraft(fresh);
      setDraftError(null);
    } catch (error) {
      setDraftError(error as ApiError);
    }
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const write = useCallback(
    async <T extends WriteResult>(call: (revision: number) => Promise<T>): Promise<T> => {
      if (revision.current === null) throw new Error('The draft is not loaded yet');
      const result = await call(revision.current);
      revision.current = result.revision;
      await refresh();
      return result;
    },
    [refresh],
  );

  const reload = useCallback(async () => {
    await refresh();
    setReloadCount((n) => n + 1);
  }, [refresh]);

  const notify = useCallback((text: string) => {
    const id = ++noticeId.current;
    // The last few only: a burst of saves must not pile up over the page.
    setNotices((list) => [...list.slice(-2), { id, text }]);
    setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), 4000);
  }, []);

  const signOut = useCallback(async () => {
    await api.logout().catch(() => undefined);
    onSignedOut();
  }, [api, onSignedOut]);

  const state = useMemo<PortalState>(
    () => ({ api, session, draft, draftError, refresh, write, reload, reloadCount, notices, notify, signOut }),
    [api, session, draft, draftError, refresh, write, reload, reloadCount, notices, notify, signOut],
  );
  return <PortalContext.Provider value={state}>{children}</PortalContext.Provider>;
}
