// The IVR menus: what each one offers on which key, and where callers go when they choose nothing.
import { EditLink, ListPage, NameCell } from '../components/ListPage.tsx';
import { useDraft } from '../portal-state.tsx';
import { href } from '../router.ts';
import { destinationInWords } from '../words.ts';

export function IvrMenusPage() {
  const { config } = useDraft();
  return (
    <ListPage
      title="IVR menus"
      subtitle="A prompt, then callers choose with a key: a user, a box, another menu, a conference room…"
      add={{ label: 'Add a menu', href: href({ page: 'ivr-menu', id: null }) }}
      testId="ivr-menus-table"
      columns={['Name', 'Keys', 'When no valid key']}
      items={config.ivrMenus}
      rowTestId={(menu) => `ivr-menu-row-${menu.id}`}
      cells={(menu) => (
        <>
          <NameCell href={href({ page: 'ivr-menu', id: menu.id })}>{menu.name}</NameCell>
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
        </>
      )}
      actions={(menu) => <EditLink href={href({ page: 'ivr-menu', id: menu.id })} name={menu.name} />}
      empty="No menu yet."
    />
  );
}
