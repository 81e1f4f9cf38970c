/** A status as a word with a colour: the word carries the meaning, the colour only helps scanning. */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{status}</span>;
}
