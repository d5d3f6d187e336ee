// Every conference room: its PIN (set or not, never shown here), its size, and the numbers that
// lead to it.
import { EditLink, ListPage, NameCell } from '../components/ListPage.tsx';
import { useDraft } from '../portal-state.tsx';
import { href } from '../router.ts';

export function ConferenceRoomsPage() {
  const { config } = useDraft();
  return (
    <ListPage
      title="Conference rooms"
      subtitle="Callers who reach a room talk together; the PBX mixes their voices."
      add={{ label: 'Add a conference room', href: href({ page: 'conference-room', id: null }) }}
      testId="conference-rooms-table"
      columns={['Name', 'PIN', 'Participants at most', 'Reached from']}
      items={config.conferenceRooms}
      rowTestId={(room) => `conference-room-row-${room.id}`}
      cells={(room) => {
        const numbers = config.incomingNumbers.filter((n) => n.destination.type === 'conference' && n.destination.roomId === room.id);
        return (
          <>
            <NameCell href={href({ page: 'conference-room', id: room.id })}>{room.name}</NameCell>
            <td>{room.pin ? <span class="pill pill-on">PIN</span> : <span class="pill pill-off">None</span>}</td>
            <td>{room.maxParticipants}</td>
            <td>{numbers.length > 0 ? numbers.map((n) => n.number).join(', ') : <span class="muted">No number yet</span>}</td>
          </>
        );
      }}
      actions={(room) => <EditLink href={href({ page: 'conference-room', id: room.id })} name={room.name} />}
      empty="No conference room yet."
    />
  );
}
