// A modal dialog: titled, closed with Escape or its buttons, focus moved inside when it opens.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

interface DialogProps {
  title: string;
  onClose(): void;
  children: ComponentChildren;
  actions?: ComponentChildren;
  wide?: boolean;
  testId?: string;
}

export function Dialog({ title, onClose, children, actions, wide, testId }: DialogProps) {
  const panel = useRef<HTMLDivElement>(null);
  const titleId = `${useId()}-title`;
  // Escape must call the latest onClose, not the one from the first render.
  const latestOnClose = useRef(onClose);
  latestOnClose.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    panel.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') latestOnClose.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus?.();
    };
  }, []);
  return (
    <div class="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        class={`dialog${wide ? ' dialog-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        ref={panel}
        data-testid={testId}
      >
        <header class="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div class="dialog-body">{children}</div>
        {actions && <footer class="dialog-actions">{actions}</footer>}
      </div>
    </div>
  );
}

interface ConfirmProps {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
  children?: ComponentChildren;
}

export function ConfirmDialog({ title, message, confirmLabel, danger, busy, onConfirm, onCancel, children }: ConfirmProps) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      actions={
        <>
          <button type="button" class="btn btn-secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" class={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </>
      }
    >
      <p>{message}</p>
      {children}
    </Dialog>
  );
}

/** Honest placeholder for features that are announced but not built yet. */
export function LaterReleaseDialog({ feature, onClose }: { feature: string; onClose(): void }) {
  return (
    <Dialog
      title={feature}
      onClose={onClose}
      actions={
        <button type="button" class="btn btn-primary" onClick={onClose}>
          OK
        </button>
      }
    >
      <p>
        {feature} comes with a later release of Switchboard. Nothing has been changed.
      </p>
    </Dialog>
  );
}
