/**
 * Small components every report page shares: a section, a table, badges, lists, and cells for
 * percentiles (ms), bytes and figures that were not measured. Units are always written next
 * to the number (reports/format.ts does the formatting).
 */
import type { ComponentChildren } from 'preact';
import type { Percentiles } from '../../core/results.js';
import { exactBytes, fmtInt, fmtMs, humanBytes, humanBytesDelta } from '../format.js';

/** A report section with its heading: `<section id><h2>title</h2>…</section>`. */
export function Section({ id, title, children }: { id: string; title: string; children?: ComponentChildren }) {
  return (
    <section id={id}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** One header cell of a Table. */
export interface Column {
  label: string;
  /** A numeric column: right-aligned, tabular figures. */
  num?: boolean;
  /** Tooltip explaining the column. */
  title?: string;
}

export interface TableProps {
  columns: readonly Column[];
  /** The body rows (<tr> elements). */
  rows: readonly ComponentChildren[];
  /** Shown in one row across every column when there are no rows (else the body stays empty). */
  empty?: string;
  /** The <tfoot> rows, e.g. totals. */
  foot?: ComponentChildren;
}

/** A horizontally scrollable table with one header row. */
export function Table({ columns, rows, empty, foot }: TableProps) {
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" class={c.num ? 'num' : undefined} title={c.title}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length > 0 || empty === undefined ? (
            rows
          ) : (
            <tr>
              <td colspan={columns.length}>{empty}</td>
            </tr>
          )}
        </tbody>
        {foot !== undefined && <tfoot>{foot}</tfoot>}
      </table>
    </div>
  );
}

/** A pill-shaped label: good (green), bad (red), warn (amber) or muted-badge (grey). */
export function Badge({ tone, title, children }: { tone: 'good' | 'bad' | 'warn' | 'muted-badge'; title?: string; children: ComponentChildren }) {
  return (
    <span class={`badge ${tone}`} title={title}>
      {children}
    </span>
  );
}

/** A bulleted list of plain texts; nothing when there are none. */
export function List({ items }: { items: readonly string[] }) {
  if (items.length === 0) return null;
  return (
    <ul>
      {items.map((text) => (
        <li>{text}</li>
      ))}
    </ul>
  );
}

/** "—" for a figure that has no value, with the reason in a tooltip (dotted underline). */
export function NotMeasured({ why }: { why: string }) {
  return (
    <span class="na" title={why}>
      —
    </span>
  );
}

/** A muted "—": nothing to show in this cell, and nothing to explain. */
export function Dash() {
  return <span class="muted">—</span>;
}

/**
 * One figure of a Percentiles record: a percentile or the mean in ms ("0.291 ms"), or the
 * sample count when `k` is "count". A null value (too few samples to carry that percentile)
 * shows as "—" with the sample count in its tooltip.
 */
export function Pct({ p, k }: { p: Percentiles; k: keyof Percentiles }) {
  const v = p[k];
  if (v === null) return <NotMeasured why={`too few samples (n = ${fmtInt(p.count)})`} />;
  return <>{k === 'count' ? fmtInt(v) : fmtMs(v)}</>;
}

/** Bytes in IEC units ("10.4 MiB") with the exact number of bytes in a tooltip; "—" when unknown. */
export function Bytes({ bytes }: { bytes: number | undefined }) {
  if (bytes === undefined) return <Dash />;
  return <span title={exactBytes(bytes)}>{humanBytes(bytes)}</span>;
}

/** The change from `before` to `after` bytes ("+9.31 MiB"), exact in a tooltip; "—" unless both are known. */
export function BytesDelta({ before, after }: { before: number | undefined; after: number | undefined }) {
  if (before === undefined || after === undefined) return <Dash />;
  const d = after - before;
  return <span title={`${d >= 0 ? '+' : ''}${exactBytes(d)}`}>{humanBytesDelta(d)}</span>;
}

/** `items` with `separator` between them, for inline runs such as "a, b, c" or "p50 … · p90 …". */
export function interleave(items: readonly ComponentChildren[], separator: string): ComponentChildren[] {
  return items.flatMap((item, i) => (i === 0 ? [item] : [separator, item]));
}
