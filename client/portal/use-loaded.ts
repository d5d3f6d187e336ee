// Data a page reads from the API when it opens (not the draft): loading, loaded, or the error;
// `reload` reads it again.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiError } from './api.ts';

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  reload(): Promise<void>;
}

export function useLoaded<T>(load: () => Promise<T>, dependencies: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const reload = useCallback(async () => {
    try {
      setData(await load());
      setError(null);
    } catch (failure) {
      setError(failure as ApiError);
    }
  }, dependencies);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}
