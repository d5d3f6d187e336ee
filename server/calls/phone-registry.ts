// Which signaling endpoints are connected, and as which user: several tabs or devices may be
// logged in as the same user, and all of them ring. Keyed by user id, not extension, so an
// extension changed by Apply changes still reaches the phones already logged in.
import type { PhoneEndpoint } from './ports.ts';

export class PhoneRegistry {
  #byUser = new Map<string, Set<PhoneEndpoint>>();

  add(endpoint: PhoneEndpoint): void {
    if (endpoint.userId === null) return;
    const set = this.#byUser.get(endpoint.userId) ?? new Set();
    set.add(endpoint);
    this.#byUser.set(endpoint.userId, set);
  }

  remove(endpoint: PhoneEndpoint): void {
    if (endpoint.userId === null) return;
    const set = this.#byUser.get(endpoint.userId);
    set?.delete(endpoint);
    if (set?.size === 0) this.#byUser.delete(endpoint.userId);
  }

  endpointsOf(userId: string): PhoneEndpoint[] {
    return [...(this.#byUser.get(userId) ?? [])];
  }
}
