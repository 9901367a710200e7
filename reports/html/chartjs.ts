/**
 * Chart.js (UMD build) for pages with charts, read once from node_modules and inlined as a
 * <script> body: the report then opens offline and its CSP can pin the exact text by hash.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CapbenchError } from '../../core/errors.js';

let chartJsCache: string | undefined;

/**
 * The Chart.js UMD build, ready to inline (source-map comment dropped, "</script" defused).
 *
 * @throws CapbenchError when chart.js is not installed or its build contains "<!--".
 */
export function chartJsSource(): string {
  if (chartJsCache !== undefined) return chartJsCache;
  let file: string;
  let text: string;
  try {
    const main = createRequire(import.meta.url).resolve('chart.js');
    file = join(dirname(main), 'chart.umd.js');
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CapbenchError('Cannot render the HTML report: chart.js is not installed (node_modules/chart.js/dist/chart.umd.js).', {
      hint: 'Run `npm install` in the capbench directory.',
      cause: err,
    });
  }
  if (text.includes('<!--')) {
    throw new CapbenchError(`Cannot render the HTML report: ${file} contains "<!--", which cannot be inlined safely.`, {
      hint: 'Install chart.js ^4 as pinned in package.json.',
    });
  }
  chartJsCache = text.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n').replace(/<\/(script)/gi, '<\\/$1');
  return chartJsCache;
}
