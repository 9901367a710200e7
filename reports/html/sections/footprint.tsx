import type { DerivedFigure, RunResult } from '../../../core/results.js';
import { fmtDate, fmtInt, fmtNum } from '../../format.js';
import { Bytes, BytesDelta, Dash, NotMeasured, Section, Table, type Column } from '../common.js';

type Snapshot = RunResult['footprint']['before'][number];
type Item = Snapshot['items'][number];

const STORE_COLUMNS: readonly Column[] = [
  { label: 'Item' },
  { label: 'Kind' },
  { label: 'Before', num: true },
  { label: 'After', num: true },
  { label: 'Change', num: true },
  { label: 'Count (after)', num: true },
  { label: 'Note' },
];
const DERIVED_COLUMNS: readonly Column[] = [{ label: 'Figure' }, { label: 'Value', num: true }, { label: 'Note' }];

/**
 * Storage footprint per store, before and after the run and the change (bytes, IEC units with
 * exact bytes in a tooltip), item by item with counts; then derived figures such as bytes per
 * key.
 */
export function Footprint({ r }: { r: RunResult }) {
  const { before, after, derived } = r.footprint;
  const stores = [...new Set([...before.map((f) => f.store), ...after.map((f) => f.store)])];
  return (
    <Section id="footprint" title="Footprint">
      {stores.length ? (
        stores.map((store) => (
          <StoreFootprint
            store={store}
            before={before.find((f) => f.store === store)}
            after={after.find((f) => f.store === store)}
            target={r.targets.find((t) => t.store === store)}
          />
        ))
      ) : (
        <p class="muted">No footprint was measured.</p>
      )}
      {derived.length > 0 && (
        <>
          <h3>Derived figures</h3>
          <Table
            columns={DERIVED_COLUMNS}
            rows={derived.map((d) => (
              <tr>
                <th scope="row">{d.name}</th>
                <td class="num">
                  <DerivedValue d={d} />
                </td>
                <td>{d.note ?? ''}</td>
              </tr>
            ))}
          />
        </>
      )}
      <p class="hint">Bytes in IEC units (1 KiB = 1,024 bytes); hover a figure for the exact number of bytes.</p>
    </Section>
  );
}

/** One store's items before and after the run (either snapshot may be missing) and their totals. */
function StoreFootprint({ store, before, after, target }: { store: string; before?: Snapshot; after?: Snapshot; target?: RunResult['targets'][number] }) {
  const keyOf = (it: Item) => `${it.kind}\u0000${it.name}`;
  const keys = [...new Set([...(before?.items ?? []).map(keyOf), ...(after?.items ?? []).map(keyOf)])];
  const rows = keys.map((k) => {
    const b = before?.items.find((it) => keyOf(it) === k);
    const a = after?.items.find((it) => keyOf(it) === k);
    const it = (a ?? b)!;
    const count = a?.count ?? b?.count;
    return (
      <tr>
        <th scope="row">{it.name}</th>
        <td>{it.kind}</td>
        <BytesCells before={b?.bytes} after={a?.bytes} />
        <td class="num">{count !== undefined ? `${fmtInt(count)} ${a?.countUnit ?? b?.countUnit ?? ''}` : <Dash />}</td>
        <td>{a?.note ?? b?.note ?? ''}</td>
      </tr>
    );
  });
  const taken = [before && `before: ${fmtDate(before.takenAt)}`, after && `after: ${fmtDate(after.takenAt)}`].filter(Boolean).join(' · ');
  return (
    <>
      <h3>
        {store}
        {target && (
          <>
            {' '}
            <span class="muted">
              · {target.product} {target.version}
              {target.standInFor ? ` (stand-in for ${target.standInFor})` : ''}
            </span>
          </>
        )}
      </h3>
      <Table
        columns={STORE_COLUMNS}
        rows={rows}
        foot={
          <tr>
            <th scope="row">Total</th>
            <td />
            <BytesCells before={before?.totalBytes} after={after?.totalBytes} />
            <td />
            <td class="muted">{taken}</td>
          </tr>
        }
      />
    </>
  );
}

/** Three cells: bytes before, bytes after, and the change ("—" where a side is unknown). */
function BytesCells({ before, after }: { before: number | undefined; after: number | undefined }) {
  return (
    <>
      <td class="num">
        <Bytes bytes={before} />
      </td>
      <td class="num">
        <Bytes bytes={after} />
      </td>
      <td class="num">
        <BytesDelta before={before} after={after} />
      </td>
    </>
  );
}

/** A derived figure with its unit; bytes humanised; "—" when it could not be measured. */
function DerivedValue({ d }: { d: DerivedFigure }) {
  if (d.value === null) return <NotMeasured why="not measured" />;
  if (d.unit === 'bytes' || d.unit === 'B') return <Bytes bytes={d.value} />;
  return <>{`${fmtNum(d.value)} ${d.unit}`}</>;
}
