// Hash routing: the portal is one static page, so every screen is a "#/…" address that survives reloads
// and works with the browser's back button.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'settings' }
  | { page: 'users' }
  | { page: 'user'; id: string | null; tab: 'general' | 'forwardings' }
  | { page: 'voicemails' }
  | { page: 'voicemail'; id: string | null }
  | { page: 'voicemail-messages'; boxId: string }
  | { page: 'numbers' }
  | { page: 'number'; id: string | null }
  | { page: 'number-sms'; id: string }
  | { page: 'audio-messages' }
  | { page: 'audio-message-new' }
  | { page: 'music-on-hold' }
  | { page: 'ivr-menus' }
  | { page: 'ivr-menu'; id: string | null }
  | { page: 'opening-hours' }
  | { page: 'opening-hours-edit'; id: string | null }
  | { page: 'conference-rooms' }
  | { page: 'conference-room'; id: string | null }
  | { page: 'changes' }
  | { page: 'outbox' }
  | { page: 'outbox-notice'; noticeId: string };

export const HOME: Route = { page: 'users' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [section, id, extra] = parts;
  const entityId = id === undefined || id === 'new' ? null : id;
  switch (section) {
    case 'settings':
      return { page: 'settings' };
    case 'users':
      if (id === undefined) return { page: 'users' };
      return { page: 'user', id: entityId, tab: extra === 'forwardings' ? 'forwardings' : 'general' };
    case 'voicemails':
      if (id !== undefined && id !== 'new' && extra === 'messages') return { page: 'voicemail-messages', boxId: id };
      return id === undefined ? { page: 'voicemails' } : { page: 'voicemail', id: entityId };
    case 'numbers':
      if (id !== undefined && id !== 'new' && extra === 'sms') return { page: 'number-sms', id };
      return id === undefined ? { page: 'numbers' } : { page: 'number', id: entityId };
    case 'audio-messages':
      return id === 'new' ? { page: 'audio-message-new' } : { page: 'audio-messages' };
    case 'music-on-hold':
      return { page: 'music-on-hold' };
    case 'ivr-menus':
      return id === undefined ? { page: 'ivr-menus' } : { page: 'ivr-menu', id: entityId };
    case 'opening-hours':
      return id === undefined ? { page: 'opening-hours' } : { page: 'opening-hours-edit', id: entityId };
    case 'conference-rooms':
      return id === undefined ? { page: 'conference-rooms' } : { page: 'conference-room', id: entityId };
    case 'changes':
      return { page: 'changes' };
    case 'outbox':
      return id === undefined ? { page: 'outbox' } : { page: 'outbox-notice', noticeId: id };
    default:
      return HOME;
  }
}

export function href(route: Route): string {
  const id = (value: string | null) => (value === null ? 'new' : encodeURIComponent(value));
  switch (route.page) {
    case 'user':
      return `#/users/${id(route.id)}${route.tab === 'forwardings' ? '/forwardings' : ''}`;
    case 'voicemail':
      return `#/voicemails/${id(route.id)}`;
    case 'voicemail-messages':
      return `#/voicemails/${encodeURIComponent(route.boxId)}/messages`;
    case 'outbox-notice':
      return `#/outbox/${encodeURIComponent(route.noticeId)}`;
    case 'number':
      return `#/numbers/${id(route.id)}`;
    case 'conference-room':
      return `#/conference-rooms/${id(route.id)}`;
    case 'ivr-menu':
      return `#/ivr-menus/${id(route.id)}`;
    case 'opening-hours-edit':
      return `#/opening-hours/${id(route.id)}`;
    case 'number-sms':
      return `#/numbers/${encodeURIComponent(route.id)}/sms`;
    case 'audio-message-new':
      return '#/audio-messages/new';
    default:
      return `#/${route.page}`;
  }
}

export function navigate(route: Route): void {
  location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** The sidebar entry a route belongs to. */
export function sectionOf(route: Route): Route['page'] {
  switch (route.page) {
    case 'user':
      return 'users';
    case 'voicemail':
    case 'voicemail-messages':
      return 'voicemails';
    case 'outbox-notice':
      return 'outbox';
    case 'number':
    case 'number-sms':
      return 'numbers';
    case 'audio-message-new':
      return 'audio-messages';
    case 'ivr-menu':
      return 'ivr-menus';
    case 'opening-hours-edit':
      return 'opening-hours';
    default:
      return route.page;
  }
}
