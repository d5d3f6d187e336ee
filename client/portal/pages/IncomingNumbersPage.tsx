// The phone numbers callers dial from outside, and where each one leads.
import { EditLink, ListPage, NameCell } from '../components/ListPage.tsx';
import { useDraft } from '../portal-state.tsx';
import { href } from '../router.ts';
import { destinationInWords } from '../words.ts';

export function IncomingNumbersPage() {
  const { config } = useDraft();
  return (
    <ListPage
      title="Incoming numbers"
      subtitle="Where calls and SMS to each of your numbers go."
      add={{ label: 'Add a number', href: href({ page: 'number', id: null }) }}
      testId="numbers-table"
      columns={['Number', 'Label', 'Destination', 'SMS compatible']}
      items={config.incomingNumbers}
      rowTestId={(number) => `number-row-${number.id}`}
      cells={(number) => (
        <>
          <NameCell href={href({ page: 'number', id: number.id })} mono>
            {number.number}
          </NameCell>
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
        </>
      )}
      actions={(number) => (
        <>
          <a class="btn btn-small btn-secondary" href={href({ page: 'number-sms', id: number.id })} aria-label={`SMS to ${number.number}`}>
            SMS
          </a>{' '}
          <EditLink href={href({ page: 'number', id: number.id })} name={number.number} />
        </>
      )}
      empty="No incoming number yet."
    />
  );
}
