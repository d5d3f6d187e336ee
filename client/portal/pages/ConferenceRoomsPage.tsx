// Every conference room: its PIN (set or not, never shown here), its size, and the numbers that
// lead to it.
import { PageHeader } from '../components/PageHeader.tsx';
import { useDraft } from '../portal-state.tsx';
import { href } from '../router.ts';

export function ConferenceRoomsPage() {
  const { config } = useDraft();
  return (
    <>
      <PageHeader title="Conference rooms" subtitle="Callers who reach a room talk together; the PBX mixes their voices.">
        <a class="btn btn-primary" href={href({ page: 'conference-room', id: null })}>
          Add a conference room
        </a>
      </PageHeader>
      <div class="card card-flush">
        <table class="table" data-testid="conference-rooms-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>PIN</th>
              <th>Participants at most</th>
              <th>Reached from</th>
              <th class="actions-col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {config.conferenceRooms.map((room) => {
              const numbers = config.incomingNumbers.filter((n) => n.destination.type === 'conference' && n.destination.roomId === room.id);
              return (
                <tr key={room.id} data-testid={`conference-room-row-${room.id}`}>
                  <td class="strong">
                    <a class="row-link" href={href({ page: 'conference-room', id: room.id })}>
                      {room.name}
                    </a>
                  </td>
                  <td>{room.pin ? <span class="pill pill-on">PIN</span> : <span class="pill pill-off">None</span>}</td>
                  <td>{room.maxParticipants}</td>
                  <td>{numbers.length > 0 ? numbers.map((n) => n.number).join(', ') : <span class="muted">No number yet</span>}</td>
                  <td class="actions-col">
                    <a class="btn btn-small btn-secondary" href={href({ page: 'conference-room', id: room.id })} aria-label={`Edit ${room.name}`}>
                      Edit
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {config.conferenceRooms.length === 0 && <p class="empty">No conference room yet.</p>}
      </div>
    </>
  );
}
