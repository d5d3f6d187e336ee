// The top bar of a phone app (the softphone, the caller page): the brand with the app's name, then the
// app's own status and buttons.
import type { ComponentChildren } from 'preact';
import { Brand } from './Brand.tsx';

export function PhoneTopbar({ product, children }: { product: string; children: ComponentChildren }) {
  return (
    <header class="topbar phone-topbar">
      <Brand look="phone" product={product} />
      <div class="topbar-actions">{children}</div>
    </header>
  );
}
