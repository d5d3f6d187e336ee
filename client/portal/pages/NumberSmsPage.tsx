// The SMS an incoming number received, newest first: who sent it, when, the text (always shown as
// text: it comes from outside), and where it was e-mailed. Above them, how SMS to this number are
// handled now, as applied: e-mailed to which address, only kept here, or refused.
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import type { NumberSms, SmsView } from '../api.ts';
import { useDraft, usePortal } from '../portal-state.tsx';
import { href } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { dateInWords } from '../words.ts';

const SOURCES = { number: 'this number’s address', default: 'the default address from Settings' } as const;

function Routing({ sms }: { sms: NumberSms }) {
  const { production } = sms;
  let tone = 'banner-info';
  let text: string;
  if (!production) {
    tone = 'banner-warning';
    text = 'This number is not in production yet: SMS to it are refused until you apply changes.';
  } else if (!production.smsCompatible) {
    tone = 'banner-warning';
    text = 'This number is not SMS compatible: SMS to it are refused. Tick SMS compatible on the number and apply changes.';
  } else if (!production.email) {
    tone = 'banner-warning';
    text = 'SMS to this number are kept here but not e-mailed: it has no address of its own and Settings has no default address.';
  } else {
    text = `SMS to this number are e-mailed to ${production.email.to} (${SOURCES[production.email.source]}).`;
  }
  return (
    <div class={`banner ${tone}`} role="status" data-testid="sms-routing">
      <div class="banner-body">{text}</div>
    </div>
  );
}

function EmailCell({ email, smtpConfigured }: { email: SmsView['email']; smtpConfigured: boolean }) {
  if (!email) return <span class="muted">Not e-mailed: no address</span>;
  const status =
    email.status === 'sent' ? (
      <span class="pill pill-on">Sent</span>
    ) : email.status === 'failed' ? (
      <span class="pill pill-danger">Failed</span>
    ) : (
      <span class="pill pill-waiting">{smtpConfigured ? 'Waiting' : 'Not sent (no SMTP server configured)'}</span>
    );
  return (
    <>
      {status}
      <div class="small">
        {email.noticeId ? (
          <a class="row-link" href={href({ page: 'outbox-notice', noticeId: email.noticeId })}>
            {email.to}
          </a>
        ) : (
          email.to
        )}
      </div>
    </>
  );
}

export function NumberSmsPage({ numberId }: { numberId: string }) {
  const { api } = usePortal();
  const { config } = useDraft();
  const loaded = useLoaded(() => api.numberSms(numberId), [api, numberId]);
  const number = config.incomingNumbers.find((n) => n.id === numberId) ?? loaded.data?.number;
  const messages = loaded.data?.messages ?? [];
  const count = messages.length === 1 ? '1 SMS' : `${messages.length} SMS`;
  return (
    <>
      <PageHeader
        title={`SMS to ${number?.number ?? 'a deleted number'}`}
        subtitle={loaded.data ? [number?.label, count].filter(Boolean).join(' · ') : 'Loading…'}
        back={{ href: href({ page: 'numbers' }), label: 'Incoming numbers' }}
      >
        <button type="button" class="btn btn-secondary" onClick={() => void loaded.reload()}>
          Refresh
        </button>
      </PageHeader>
      <ErrorBanner error={loaded.error} />
      {loaded.data && <Routing sms={loaded.data} />}
      <div class="card card-flush">
        <table class="table" data-testid="sms-table">
          <thead>
            <tr>
              <th>Received</th>
              <th>From</th>
              <th>Message</th>
              <th>E-mail</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((sms) => (
              <tr key={sms.id} data-testid={`sms-row-${sms.id}`}>
                <td class="nowrap">{dateInWords(sms.receivedAt)}</td>
                <td class="strong mono">{sms.from}</td>
                <td class="sms-text" data-testid="sms-text">
                  {sms.text}
                </td>
                <td class="status-cell">
                  <EmailCell email={sms.email} smtpConfigured={loaded.data!.smtpConfigured} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {loaded.data && messages.length === 0 && <p class="empty">No SMS received on this number yet.</p>}
      </div>
    </>
  );
}
