// The IVR menus: what each one offers on which key, and where callers go when they choose nothing.
import { PageHeader } from '../components/PageHeader.tsx';
import { useDraft } from '../portal-state.tsx';
import { href } from '../router.ts';
import { destinationInWords } from '../words.ts';

export function IvrMenusPage() {
  const { config } = useDraft();
  return (
    <>
      <PageHeader title="IVR menus" subtitle="A prompt, then callers choose with a key: a user, a box, another menu, a conference room…">
        <a class="btn btn-primary" href={href({ page: 'ivr-menu', id: null })}>
          Add a menu
        </a>
      </PageHeader>
      <div class="card card-flush">
        <table class="table" data-testid="ivr-menus-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Keys</th>
              <th>When no valid key</th>
              <th class="actions-col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {config.ivrMenus.map((menu) => (
              <tr key={menu.id} data-testid={`ivr-menu-row-${menu.id}`}>
                <td class="strong">
                  <a class="row-link" href={href({ page: 'ivr-menu', id: menu.id })}>
                    {menu.name}
                  </a>
                </td>
                <td>
                  {menu.choices.length === 0 ? (
                    <span class="muted">No key yet</span>
                  ) : (
                    menu.choices.map((c) => (
                      <div key={c.key}>
                        <span class="mono">{c.key}</span> {destinationInWords(config, c.destination)}
                      </div>
                    ))
                  )}
                </td>
                <td>
                  {destinationInWords(config, menu.fallback)}
                  <div class="muted">
                    after {menu.retries} {menu.retries === 1 ? 'repeat' : 'repeats'}, {menu.timeoutSeconds} s each
                  </div>
                </td>
                <td class="actions-col">
                  <a class="btn btn-small btn-secondary" href={href({ page: 'ivr-menu', id: menu.id })} aria-label={`Edit ${menu.name}`}>
                    Edit
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {config.ivrMenus.length === 0 && <p class="empty">No menu yet.</p>}
      </div>
    </>
  );
}
