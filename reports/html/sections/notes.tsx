import type { RunResult } from '../../../core/results.js';
import { List, Section } from '../common.js';

/** The run's notes (from the scenario and the engine), as a list; nothing when there are none. */
export function Notes({ r }: { r: RunResult }) {
  if (r.notes.length === 0) return null;
  return (
    <Section id="notes" title="Notes">
      <List items={r.notes} />
    </Section>
  );
}
