import type { ReactNode } from 'react';

/** A page whose feature is not built yet says so plainly; nothing pretends to work. */
export function PlannedPage({ title, summary, children }: { title: string; summary: string; children?: ReactNode }) {
  return (
    <div className="page">
      <div className="page-header">
        <h1>{title}</h1>
      </div>
      <div className="banner banner-info" role="status">
        <strong>Not available yet.</strong> {summary}
      </div>
      {children}
    </div>
  );
}
