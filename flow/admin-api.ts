// What the runner reads from the PBX with an admin session: production, call traces, voicemail
// messages and the outbox (docs/API.md). Any refusal becomes an error naming the route.
import type { PbxConfig } from '../data/schema.ts';
import type { CallTrace } from '../server/calls/call-trace.ts';

export interface StoredMessageView {
  id: string;
  boxId: string;
  durationMs: number;
  status: string;
}

export interface NoticeView {
  id: string;
  kind: string;
  subjectId: string;
  to: string;
  subject: string;
  status: 'pending' | 'sent' | 'failed';
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
  /** Only from GET /api/outbox/:id: the Message-ID header. */
  messageId?: string;
}

export class AdminApi {
  #cookie = '';

  private constructor(readonly baseUrl: string) {}

  static async login(baseUrl: string, name: string, password: string): Promise<AdminApi> {
    const api = new AdminApi(baseUrl.replace(/\/+$/, ''));
    const response = await fetch(`${api.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    }).catch((error: unknown) => {
      throw new Error(`cannot reach ${api.baseUrl}: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (response.status !== 200) throw new Error(`admin login as "${name}" refused (${response.status}): check the admin name and password`);
    api.#cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    return api;
  }

  async production(): Promise<{ version: number; config: PbxConfig }> {
    return this.#get('/api/production');
  }

  /** The call's trace, or null while the PBX has none for it yet. */
  async trace(callId: string): Promise<CallTrace | null> {
    const response = await this.#fetch(`/api/calls/${encodeURIComponent(callId)}/trace`);
    if (response.status === 404) return null;
    return this.#body(response, 'call trace');
  }

  async boxMessages(boxId: string): Promise<StoredMessageView[]> {
    const response = await this.#fetch(`/api/voicemail/boxes/${encodeURIComponent(boxId)}/messages`);
    if (response.status === 404) return [];
    return ((await this.#body(response, 'voicemail messages')) as { messages: StoredMessageView[] }).messages;
  }

  async outbox(): Promise<{ smtpConfigured: boolean; notices: NoticeView[] }> {
    return this.#get('/api/outbox');
  }

  async notice(id: string): Promise<NoticeView> {
    return this.#get(`/api/outbox/${encodeURIComponent(id)}`);
  }

  /** Sets the PBX's test clock (null: the real time again); only a PBX started with TEST_CLOCK=1 has one. */
  async setClock(at: string | null): Promise<void> {
    const response = await withRetry(() =>
      fetch(`${this.baseUrl}/api/test/clock`, {
        method: 'PUT',
        headers: { cookie: this.#cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ at }),
      }),
    );
    if (response.status === 404) throw new Error('this PBX has no test clock to set (start it with TEST_CLOCK=1, never in production)');
    await this.#body(response, 'test clock');
  }

  async #get<T>(path: string): Promise<T> {
    return this.#body(await this.#fetch(path), path);
  }

  #fetch(path: string): Promise<Response> {
    return withRetry(() => fetch(this.baseUrl + path, { headers: { cookie: this.#cookie } }));
  }

  async #body<T>(response: Response, what: string): Promise<T> {
    if (!response.ok) throw new Error(`${what}: the PBX answered ${response.status} ${await response.text().catch(() => '')}`.trim());
    return (await response.json()) as T;
  }
}

/**
 * Once more when the connection failed (not when the PBX answered): fetch reuses idle keep-alive
 * connections, and one the server closes at that very moment fails with "fetch failed".
 */
export async function withRetry<T>(request: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= attempts || !(error instanceof Error && /fetch failed/.test(error.message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
