// The list of users (people with a phone and an extension).
import { PageHeader } from '../components/PageHeader.tsx';
import { useDraft } from '../portal-state.tsx';
import { href } from '../router.ts';

export function UsersPage() {
  const { users } = useDraft().config;
  const sorted = [...users].sort((a, b) => a.extension.localeCompare(b.extension, 'en', { numeric: true }));
  return (
    <>
      <PageHeader title="Users" subtitle="Everyone with a phone on the system, their extension and voicemail.">
        <a class="btn btn-primary" href={href({ page: 'user', id: null, tab: 'general' })}>
          Add a user
        </a>
      </PageHeader>
      <div class="card card-flush">
        <table class="table" data-testid="users-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Extension</th>
              <th>E-mail</th>
              <th>Voicemail</th>
              <th class="actions-col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((user) => (
              <tr key={user.id} data-testid={`user-row-${user.extension}`}>
                <td class="strong">
                  <a class="row-link" href={href({ page: 'user', id: user.id, tab: 'general' })}>
                    {user.name}
                  </a>
                </td>
                <td>
                  <span class="mono">{user.extension}</span>
                </td>
                <td>{user.email}</td>
                <td>{user.voicemail ? <span class="pill pill-on">Yes</span> : <span class="pill pill-off">No</span>}</td>
                <td class="actions-col">
                  <a class="btn btn-small btn-secondary" href={href({ page: 'user', id: user.id, tab: 'general' })} aria-label={`Edit ${user.name}`}>
                    Edit
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {sorted.length === 0 && <p class="empty">No user yet. Add one to give someone a phone.</p>}
      </div>
    </>
  );
}
