// The portal's frame: sidebar navigation on the left, and in the upper-right corner of every page the
// number of pending changes with the Apply changes button.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Brand } from '../../shared/Brand.tsx';
import { usePortal } from '../portal-state.tsx';
import { href, type Route } from '../router.ts';
import { pendingChangesInWords } from '../words.ts';
import { ApplyDialog } from './ApplyDialog.tsx';
import { Icon, type IconName } from './Icon.tsx';

const NAVIGATION: { page: Route['page']; label: string; icon: IconName }[] = [
  { page: 'settings', label: 'Settings', icon: 'settings' },
  { page: 'users', label: 'Users', icon: 'users' },
  { page: 'voicemails', label: 'Voicemails', icon: 'voicemail' },
  { page: 'numbers', label: 'Incoming numbers', icon: 'numbers' },
  { page: 'audio-messages', label: 'Audio messages', icon: 'audio' },
  { page: 'music-on-hold', label: 'Music on hold', icon: 'music' },
  { page: 'ivr-menus', label: 'IVR menus', icon: 'menu' },
  { page: 'opening-hours', label: 'Opening hours', icon: 'clock' },
  { page: 'conference-rooms', label: 'Conference rooms', icon: 'conference' },
  { page: 'changes', label: 'Changes & history', icon: 'history' },
  { page: 'outbox', label: 'Outbox', icon: 'mail' },
];

interface LayoutProps {
  section: Route['page'];
  children: ComponentChildren;
}

export function Layout({ section, children }: LayoutProps) {
  const { draft, session, notices, signOut } = usePortal();
  const [reviewing, setReviewing] = useState(false);
  const pending = draft?.pendingChanges ?? 0;
  return (
    <div class="shell">
      <aside class="sidebar">
        <Brand />
        <nav aria-label="Main">
          <ul class="nav">
            {NAVIGATION.map((item) => (
              <li key={item.page}>
                <a
                  href={href({ page: item.page } as Route)}
                  class={`nav-link${item.page === section ? ' active' : ''}`}
                  aria-current={item.page === section ? 'page' : undefined}
                >
                  <Icon name={item.icon} />
                  <span>{item.label}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="sidebar-foot">Administration portal</div>
      </aside>
      <div class="main">
        <header class="topbar">
          <div class="topbar-context">
            {draft && (
              <span class="muted">
                Production version {draft.baseVersion}
              </span>
            )}
          </div>
          <div class="topbar-actions">
            <a href="#/changes" class={`pending${pending > 0 ? ' pending-some' : ''}`} data-testid="pending-changes">
              {pending > 0 && <span class="pending-dot" aria-hidden="true" />}
              {pendingChangesInWords(pending)}
            </a>
            <button
              type="button"
              class={`btn ${pending > 0 ? 'btn-primary' : 'btn-secondary'}`}
              data-testid="apply-changes"
              onClick={() => setReviewing(true)}
            >
              Apply changes
            </button>
            <span class="topbar-divider" aria-hidden="true" />
            <span class="account" title="Signed in">
              <span class="avatar" aria-hidden="true">
                {session.name.slice(0, 1).toUpperCase()}
              </span>
              {session.name}
            </span>
            <button type="button" class="icon-button" aria-label="Sign out" title="Sign out" onClick={() => void signOut()}>
              <Icon name="logout" />
            </button>
          </div>
        </header>
        <main class="content">
          {notices.length > 0 && (
            <div class="notices" role="status">
              {notices.map((notice) => (
                <div key={notice.id} class="notice">
                  <span class="notice-mark" aria-hidden="true">
                    ✓
                  </span>
                  {notice.text}
                </div>
              ))}
            </div>
          )}
          {children}
        </main>
      </div>
      {reviewing && <ApplyDialog onClose={() => setReviewing(false)} />}
    </div>
  );
}
