import type { RunResult, ScenarioSection, ScenarioTable } from '../../../core/results.js';
import { formatCell } from '../../format.js';
import { Section, Table } from '../common.js';
import { Chart } from './charts.js';

/**
 * The scenario's own sections (core/results.ts ScenarioSection): its tables, and canvases for
 * its charts, which the client script draws from the page data (chart-data.ts
 * `scenarioCharts`, canvas id `chart-sc-<section>-<chart>`). Nothing when it has none.
 */
export function ScenarioSections({ r }: { r: RunResult }) {
  return (
    <>
      {(r.sections ?? []).map((s) => (
        <ScenarioSectionView section={s} />
      ))}
    </>
  );
}

function ScenarioSectionView({ section: s }: { section: ScenarioSection }) {
  return (
    <Section id={`scenario-${s.id}`} title={s.title}>
      {s.intro && <p>{s.intro}</p>}
      {s.tables.map((t) => (
        <ScenarioTableView table={t} />
      ))}
      {s.charts.length > 0 && (
        <div class="grid">
          {s.charts.map((c) => (
            <Chart id={scenarioChartId(s.id, c.id)} caption={c.title} label={`${c.title}: ${c.yLabel} by ${c.xLabel}`} />
          ))}
        </div>
      )}
      {(s.notes ?? []).length > 0 && (
        <ul class="notes">
          {(s.notes ?? []).map((n) => (
            <li>{n}</li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function ScenarioTableView({ table: t }: { table: ScenarioTable }) {
  // A column is numeric (right-aligned) when every non-empty cell in it is a number.
  const numeric = t.columns.map((_, i) => t.rows.some((row) => typeof row[i] === 'number') && t.rows.every((row) => row[i] === null || row[i] === undefined || typeof row[i] === 'number'));
  return (
    <figure class="table">
      <figcaption>{t.caption}</figcaption>
      <Table
        columns={t.columns.map((label, i) => ({ label, num: numeric[i] }))}
        rows={t.rows.map((row) => (
          <tr>
            {t.columns.map((_, i) => (
              <td class={numeric[i] ? 'num' : undefined}>{formatCell(row[i])}</td>
            ))}
          </tr>
        ))}
        empty="Nothing measured."
      />
      {t.note && <p class="muted">{t.note}</p>}
    </figure>
  );
}

/** The canvas id of chart `chart` of section `section`. */
export function scenarioChartId(section: string, chart: string): string {
  return `chart-sc-${section}-${chart}`;
}
