// Switchboard's mark and name, as every app shows it in its corner or above its sign-in form.
interface BrandProps {
  /** large: above a sign-in form; phone: in a phone app's top bar. */
  look?: 'large' | 'phone';
  /** Which app this is, after the name (phone apps). */
  product?: string;
}

const LOOK_CLASS = { large: 'brand brand-large', phone: 'brand phone-brand' };

export function Brand({ look, product }: BrandProps) {
  return (
    <div class={look ? LOOK_CLASS[look] : 'brand'}>
      <span class="brand-mark" aria-hidden="true">
        S
      </span>
      <span class="brand-name">Switchboard</span>
      {product && <span class="brand-product">{product}</span>}
    </div>
  );
}
