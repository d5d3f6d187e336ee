// The phone numbers callers dial from outside, and where each one leads.
import { PageHeader } from '../components/PageHeader.tsx';
import { useDraft } from '../portal-state.tsx';
import { href } from '../router.ts';
import { destinationInWords } from '../words.ts';

export function IncomingNumbersPage() {
  const { config } = useDraft();
  return (
    <>
      <PageHeader title="Incoming numbers" subtitle="Where calls and SMS to each of your numbers go.">
        <a class="btn btn-primary" href={href({ page: 'number', id: null })}>
          Add a number
        </a>
      </PageHeader>
      <div class="card card-flush">
        <table class="table" data-testid="numbers-table">
          <thead>
            <tr>
              <th>Number</th>
              <th>Label</th>
              <th>Destination</th>
              <th>SMS compatible</th>
              <th class="actions-col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {config.incomingNumbers.map((number) => (
              <tr key={number.id} data-testid={`number-row-${number.id}`}>
                <td class="strong">
                  <a class="row-link mono" href={href({ page: 'number', id: number.id })}>
                    {number.number}
                  </a>
                </td>
                <td>{number.label || <span class="muted">—</span>}</td>
                <td>{destinationInWords(config, number.destination)}</td>
                <td>
                  {number.smsCompatible ? (
                    <>
                      <span class="pill pill-on">Yes</span>{' '}
                      <span class="muted small">{number.smsEmail || 'default address'}</span>
                    </>
                  ) : (
                    <span class="pill pill-off">No</span>
                  )}
                </td>
                <td class="actions-col">
                  <a class="btn btn-small btn-secondary" href={href({ page: 'number-sms', id: number.id })} aria-label={`SMS to ${number.number}`}>
                    SMS
                  </a>{' '}
                  <a class="btn btn-small btn-secondary" href={href({ page: 'number', id: number.id })} aria-label={`Edit ${number.number}`}>
                    Edit
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {config.incomingNumbers.length === 0 && <p class="empty">No incoming number yet.</p>}
      </div>
    </>
  );
}
