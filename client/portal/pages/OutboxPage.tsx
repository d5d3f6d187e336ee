// The e-mail outbox: every notice the PBX made (a new voicemail message), whether it went out, how
// many attempts it took and why the last one failed (the last error, under the status); the
// attached recording can be played or saved.
// Without an SMTP server (SMTP_URL) nothing is sent, and this is where the notices can be read.
import { useState } from 'preact/hooks';
import type { ApiError, NoticeSummary } from '../api.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { usePortal } from '../portal-state.tsx';
import { href } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { dateInWords, noticeStatusInWords, sizeInWords } from '../words.ts';

/** The status as a pill, and under it why it is not sent (yet), when it is not. */
function NoticeStatusCell({ notice, smtpConfigured }: { notice: NoticeSummary; smtpConfigured: boolean }) {
  const tone = notice.status === 'sent' ? 'pill-on' : notice.status === 'failed' ? 'pill-danger' : 'pill-waiting';
  if (notice.status === 'pending' && !smtpConfigured) {
    return (
      <>
        <span class={`pill ${tone}`}>Not sent</span>
        <div class="small muted">(no SMTP server configured)</div>
      </>
    );
  }
  return (
    <>
      <span class={`pill ${tone}`}>{noticeStatusInWords(notice, smtpConfigured, '')}</span>
      {notice.status !== 'sent' && notice.lastError && <div class="small notice-error">{notice.lastError}</div>}
      {notice.status === 'pending' && notice.nextAttemptAt && notice.attempts > 0 && (
        <div class="small muted">Next attempt {dateInWords(notice.nextAttemptAt)}</div>
      )}
      {notice.status === 'sent' && notice.sentAt && <div class="small muted">{dateInWords(notice.sentAt)}</div>}
    </>
  );
}

export function OutboxAttachments({ attachments }: { attachments: NoticeSummary['attachments'] }) {
  if (attachments.length === 0) return <span class="muted">None</span>;
  return (
    <div class="attachment-list">
      {attachments.map((attachment) => (
        <div class="attachment" key={attachment.index} data-testid="notice-attachment">
          {attachment.contentType.startsWith('audio/') && (
            <audio class="table-audio" controls preload="none" src={attachment.url} aria-label={`Play ${attachment.filename}`} />
          )}
          <a class="attachment-link small" href={`${attachment.url}?download=1`} download={attachment.filename}>
            {attachment.filename}
          </a>
          <span class="muted small"> {sizeInWords(attachment.size)}</span>
        </div>
      ))}
    </div>
  );
}

export function OutboxPage() {
  const { api, notify } = usePortal();
  const outbox = useLoaded(() => api.getOutbox(), [api]);
  const [retryError, setRetryError] = useState<ApiError | null>(null);
  const notices = outbox.data?.notices ?? [];
  const pending = notices.filter((n) => n.status === 'pending').length;

  const retry = async () => {
    try {
      const { pending: count } = await api.retryOutbox();
      setRetryError(null);
      notify(count === 1 ? 'Trying the pending notice now.' : `Trying the ${count} pending notices now.`);
      setTimeout(() => void outbox.reload(), 1500);
    } catch (error) {
      setRetryError(error as ApiError);
    }
  };

  return (
    <>
      <PageHeader title="Outbox" subtitle="E-mail notices: new voicemail messages, with the recording attached, and incoming SMS.">
        <button type="button" class="btn btn-secondary" onClick={() => void outbox.reload()}>
          Refresh
        </button>
        {outbox.data?.smtpConfigured && pending > 0 && (
          <button type="button" class="btn btn-primary" onClick={() => void retry()}>
            Retry now
          </button>
        )}
      </PageHeader>
      <ErrorBanner error={outbox.error ?? retryError} />
      {outbox.data && !outbox.data.smtpConfigured && (
        <div class="banner banner-warning" role="status" data-testid="outbox-not-configured">
          <div class="banner-body">
            <strong>No SMTP server is configured.</strong> Notices are not sent: they wait here. Set SMTP_URL (for example
            smtp://mail.example.com:587) and restart the PBX to send them.
          </div>
        </div>
      )}
      <div class="card card-flush">
        <table class="table" data-testid="outbox-table">
          <thead>
            <tr>
              <th>Created</th>
              <th>To</th>
              <th>Subject</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Attachment</th>
            </tr>
          </thead>
          <tbody>
            {notices.map((notice) => (
              <tr key={notice.id} data-testid={`notice-row-${notice.id}`}>
                <td class="nowrap">{dateInWords(notice.createdAt)}</td>
                <td>{notice.to}</td>
                <td class="subject-cell">
                  <a class="row-link strong" href={href({ page: 'outbox-notice', noticeId: notice.id })}>
                    {notice.subject}
                  </a>
                </td>
                <td class="status-cell">
                  <NoticeStatusCell notice={notice} smtpConfigured={outbox.data!.smtpConfigured} />
                </td>
                <td>{notice.attempts}</td>
                <td>
                  <OutboxAttachments attachments={notice.attachments} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {outbox.data && notices.length === 0 && <p class="empty">No notice yet. New voicemail messages and incoming SMS are announced here and by e-mail.</p>}
        {!outbox.data && !outbox.error && <p class="empty">Loading…</p>}
      </div>
    </>
  );
}
