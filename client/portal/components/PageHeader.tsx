// The title row of a page: title, a line saying what the page is for, and the page's main actions.
import type { ComponentChildren } from 'preact';

interface PageHeaderProps {
  title: string;
  subtitle?: ComponentChildren;
  back?: { href: string; label: string };
  children?: ComponentChildren;
}

export function PageHeader({ title, subtitle, back, children }: PageHeaderProps) {
  return (
    <div class="page-header">
      <div>
        {back && (
          <a class="back-link" href={back.href}>
            ← {back.label}
          </a>
        )}
        <h1>{title}</h1>
        {subtitle && <p class="page-subtitle">{subtitle}</p>}
      </div>
      {children && <div class="page-actions">{children}</div>}
    </div>
  );
}
