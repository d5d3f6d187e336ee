// JSON requests to the PBX's HTTP API for the softphone and the caller page. Errors come back as
// HttpError with what the server said (status, message, lock time); status 0 means unreachable.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly lockedUntil: string | null = null,
  ) {
    super(message);
  }
}

export async function requestJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new HttpError(0, 'The PBX cannot be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (!response.ok) {
    throw new HttpError(
      response.status,
      typeof payload?.error === 'string' ? payload.error : `The PBX answered ${response.status}`,
      typeof payload?.lockedUntil === 'string' ? payload.lockedUntil : null,
    );
  }
  return payload as T;
}
