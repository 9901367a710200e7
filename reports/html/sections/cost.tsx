import type { RunResult } from '../../../core/results.js';
import { monthly, needText, offerText, priceCaveat, pricesUsed, scaleText, storesOf, unitPrice } from '../../cost/view.js';
import { Badge, List, Section, Table, type Column } from '../common.js';

const LINE_COLUMNS: readonly Column[] = [
  { label: 'Product' },
  { label: 'Offer' },
  { label: 'Sizing', title: 'what the offer gives and how many of it' },
  { label: '$/month', num: true },
  { label: '' },
];
const PRICE_COLUMNS: readonly Column[] = [{ label: 'Price book entry' }, { label: 'Price', num: true }, { label: 'Source' }, { label: 'Read' }];

/**
 * The projected monthly cloud cost at the scale the user named (reports/cost/, docs/cost.md):
 * per store one line per product (the smallest fitting offer, or why none fits) with the line
 * counted in the total marked; the total; every assumption; the prices used with their source
 * page and read date. Without a cost, one line on how to get one.
 */
export function Cost({ r }: { r: RunResult }) {
  const cost = r.cost;
  if (!cost) {
    return (
      <Section id="cost" title="Cost at scale">
        <p class="muted">
          No cost projection for this run. Pass a scale to project the monthly cloud cost, e.g. <code>--scale posts=1000000,likesPerSec=5000</code> to{' '}
          <code>capbench run</code>, or to <code>capbench report</code> on this results.json.
        </p>
      </Section>
    );
  }
  const stores = storesOf(cost);
  const need = (store: string) => cost.needs.find((n) => n.store === store);
  return (
    <Section id="cost" title="Cost at scale">
      <p>
        Projected at <strong>{scaleText(cost.scale)}</strong>: <strong>{monthly(cost.totalMonthlyUsd)}</strong> in total, the cheapest priced line of each
        store. Seed 000's cost tables are checked under Design claims (cost.*).
      </p>
      {stores.length === 0 && <p class="muted">No store was projected: see the assumptions.</p>}
      {stores.map(({ store, lines, chosen }) => (
        <>
          <h3>
            {store}{' '}
            <span class="muted">· {chosen ? `${monthly(chosen.monthlyUsd)} (${chosen.product}, ${offerText(chosen)})` : 'no product in the price book fits'}</span>
          </h3>
          {need(store) && <p>Needs {needText(need(store)!)}.</p>}
          <Table
            columns={LINE_COLUMNS}
            rows={lines.map((l) => (
              <tr>
                <th scope="row">
                  {l.provider} · {l.product}
                </th>
                <td>{offerText(l)}</td>
                <td>
                  {l.sizing}
                  {l.why && <div class={l.monthlyUsd === null ? 'muted' : undefined}>{l.why}</div>}
                </td>
                <td class="num">{monthly(l.monthlyUsd)}</td>
                <td>{l.chosen ? <Badge tone="good">in total</Badge> : l.monthlyUsd === null ? <Badge tone="muted-badge">not priced</Badge> : ''}</td>
              </tr>
            ))}
          />
        </>
      ))}
      <Table
        columns={[{ label: 'Counted in the total, per store' }, { label: '$/month', num: true }]}
        rows={stores.map(({ store, chosen }) => (
          <tr>
            <th scope="row">
              {store}
              {chosen ? ` · ${chosen.product}, ${offerText(chosen)}` : ' · not priced'}
            </th>
            <td class="num">{monthly(chosen?.monthlyUsd ?? null)}</td>
          </tr>
        ))}
        foot={
          <tr>
            <th scope="row">Total</th>
            <td class="num">{monthly(cost.totalMonthlyUsd)}</td>
          </tr>
        }
      />
      <h3>Assumptions</h3>
      <List items={cost.assumptions} />
      <h3>Prices used</h3>
      <Table
        columns={PRICE_COLUMNS}
        rows={pricesUsed(cost).map((i) => (
          <tr>
            <th scope="row">
              <code>{i.entry}</code>
            </th>
            <td class="num">{unitPrice(i)}</td>
            <td>{/^https?:\/\//i.test(i.source) ? <a href={i.source}>{i.source}</a> : i.source}</td>
            <td>{i.readAt}</td>
          </tr>
        ))}
        empty="No line was priced."
      />
      <p class="hint">{priceCaveat(cost)}</p>
    </Section>
  );
}
