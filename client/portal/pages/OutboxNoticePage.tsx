// One e-mail notice as it was (or will be) sent: headers, body, attachment, and its delivery story.
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { usePortal } from '../portal-state.tsx';
import { href } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { dateInWords } from '../words.ts';
import { OutboxAttachments } from './OutboxPage.tsx';

export function OutboxNoticePage({ noticeId }: { noticeId: string }) {
  const { api } = usePortal();
  const loaded = useLoaded(() => Promise.all([api.getNotice(noticeId), api.getOutbox()]), [api, noticeId]);
  const [notice, outbox] = loaded.data ?? [null, null];
  const status =
    notice?.status === 'sent'
      ? `Sent ${dateInWords(notice.sentAt!)}`
      : notice?.status === 'failed'
        ? 'Failed: given up'
        : outbox && !outbox.smtpConfigured
          ? outbox.notConfiguredText.charAt(0).toUpperCase() + outbox.notConfiguredText.slice(1)
          : notice?.nextAttemptAt
            ? `Waiting: next attempt ${dateInWords(notice.nextAttemptAt)}`
            : 'Waiting';
  const rows: [string, string | null | undefined][] = notice
    ? [
        ['To', notice.to],
        ['From', notice.from],
        ['Created', dateInWords(notice.createdAt)],
        ['Status', status],
        ['Attempts', String(notice.attempts)],
        ['Last attempt', notice.lastAttemptAt ? dateInWords(notice.lastAttemptAt) : null],
        ['Last error', notice.status === 'sent' || notice.lastError === outbox?.notConfiguredText ? null : notice.lastError],
        ['Server reply', notice.smtpResponse],
        ['Message-ID', notice.messageId],
      ]
    : [];
  return (
    <>
      <PageHeader title={notice?.subject ?? 'Notice'} back={{ href: href({ page: 'outbox' }), label: 'Outbox' }} />
      <ErrorBanner error={loaded.error} />
      {notice && (
        <div class="stack">
          <section class="card" aria-labelledby="notice-delivery">
            <h2 class="card-title" id="notice-delivery">
              Delivery
            </h2>
            <dl class="details" data-testid="notice-details">
              {rows
                .filter(([, value]) => value)
                .map(([label, value]) => (
                  <div class="details-row" key={label}>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                  </div>
                ))}
            </dl>
          </section>
          <section class="card" aria-labelledby="notice-body">
            <h2 class="card-title" id="notice-body">
              Message
            </h2>
            <pre class="notice-text" data-testid="notice-text">
              {notice.text}
            </pre>
            <h2 class="card-title">Attachment</h2>
            <OutboxAttachments attachments={notice.attachments} />
          </section>
        </div>
      )}
    </>
  );
}
