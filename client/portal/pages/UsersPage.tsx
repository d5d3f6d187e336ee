// The list of users (people with a phone and an extension).
import { EditLink, ListPage, NameCell } from '../components/ListPage.tsx';
import { useDraft } from '../portal-state.tsx';
import { href } from '../router.ts';

export function UsersPage() {
  const { users } = useDraft().config;
  const sorted = [...users].sort((a, b) => a.extension.localeCompare(b.extension, 'en', { numeric: true }));
  return (
    <ListPage
      title="Users"
      subtitle="Everyone with a phone on the system, their extension and voicemail."
      add={{ label: 'Add a user', href: href({ page: 'user', id: null, tab: 'general' }) }}
      testId="users-table"
      columns={['Name', 'Extension', 'E-mail', 'Voicemail']}
      items={sorted}
      rowTestId={(user) => `user-row-${user.extension}`}
      cells={(user) => (
        <>
          <NameCell href={href({ page: 'user', id: user.id, tab: 'general' })}>{user.name}</NameCell>
          <td>
            <span class="mono">{user.extension}</span>
          </td>
          <td>{user.email}</td>
          <td>{user.voicemail ? <span class="pill pill-on">Yes</span> : <span class="pill pill-off">No</span>}</td>
        </>
      )}
      actions={(user) => <EditLink href={href({ page: 'user', id: user.id, tab: 'general' })} name={user.name} />}
      empty="No user yet. Add one to give someone a phone."
    />
  );
}
