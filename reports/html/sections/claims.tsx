import type { ClaimResult, RunResult } from '../../../core/results.js';
import { Badge, Section, Table, type Column } from '../common.js';

const COLUMNS: readonly Column[] = [{ label: 'Claim' }, { label: 'Source' }, { label: 'Measured' }, { label: 'Verdict' }, { label: 'Note' }];

/** The design documents' claims this scenario checks, what was measured, and the verdict. */
export function Claims({ r }: { r: RunResult }) {
  if (r.claims.length === 0) {
    return (
      <Section id="claims" title="Design claims">
        <p class="muted">This scenario checks no claims from the design documents.</p>
      </Section>
    );
  }
  return (
    <Section id="claims" title="Design claims vs measurements">
      <Table
        columns={COLUMNS}
        rows={r.claims.map((c) => (
          <tr>
            <th scope="row">{c.claim}</th>
            <td>{c.source}</td>
            <td>{c.measured}</td>
            <td>
              <Verdict verdict={c.verdict} />
            </td>
            <td>{c.note ?? ''}</td>
          </tr>
        ))}
      />
    </Section>
  );
}

/** A claim's verdict as a badge: holds (green), refuted (red), not measurable here (grey). */
export function Verdict({ verdict }: { verdict: ClaimResult['verdict'] }) {
  switch (verdict) {
    case 'holds':
      return <Badge tone="good">holds</Badge>;
    case 'refuted':
      return <Badge tone="bad">refuted</Badge>;
    case 'not-measurable':
      return <Badge tone="muted-badge">not measurable here</Badge>;
  }
}
