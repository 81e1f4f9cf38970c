import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/** A screen: its heading (the target of focus after navigation) and the document title. */
export function Page({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · bpfleet`;
  }, [title]);
  return (
    <>
      <header class="page-header">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions && <div class="page-actions">{actions}</div>}
      </header>
      {children}
    </>
  );
}
