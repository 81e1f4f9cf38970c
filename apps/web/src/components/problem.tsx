import type { ApiError } from '../api/client';

/** An error from the API, announced at once (role="alert"), with every field it named. */
export function Problem({ error, title }: { error: ApiError | undefined; title?: string }) {
  if (!error) return null;
  return (
    <div class="problem" role="alert">
      <strong>{title ?? (error.status === 0 ? 'The API could not be reached' : `Error ${error.status}`)}:</strong> {error.message}
    </div>
  );
}

/** Shown while the first answer is awaited. */
export const Loading = ({ what }: { what: string }) => (
  <p class="loading" aria-busy="true">
    Loading {what}…
  </p>
);
