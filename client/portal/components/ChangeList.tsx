// The pending changes in words, as Apply changes will publish them.
import type { Change } from '../../../data/diff.ts';

const KIND_LABELS: Record<Change['kind'], string> = { added: 'Added', changed: 'Changed', removed: 'Removed' };

export function ChangeList({ changes }: { changes: Change[] }) {
  if (changes.length === 0) {
    return <p class="empty">No pending changes: the draft is the same as production.</p>;
  }
  return (
    <ul class="change-list" data-testid="change-list">
      {changes.map((change, index) => (
        <li key={index} class={`change change-${change.kind}`}>
          <div class="change-head">
            <span class={`badge badge-${change.kind}`}>{KIND_LABELS[change.kind]}</span>{' '}
            <span class="change-what">{change.what}</span> <span class="change-name">{change.name}</span>
          </div>
          {change.details.length > 0 && (
            <ul class="change-details">
              {change.details.map((detail) => (
                <li key={detail}>{detail}</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
