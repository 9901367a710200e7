/**
 * A small sanity check of GitHub-flavoured Markdown for tests: every table has a header, a
 * delimiter row with as many cells, and rows with as many cells (escaped "\|" and pipes inside
 * code spans do not split cells); no raw HTML other than the few tags the reports use on
 * purpose; no control characters; ends with a newline.
 */
import assert from 'node:assert/strict';

const ALLOWED_TAGS = /^<\/?(details|summary|sub)>$/;

/** Cells of a table row: split on unescaped "|" outside code spans. */
export function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let fence = 0;
  for (let i = 0; i < row.length; i++) {
    const ch = row[i]!;
    if (ch === '\\' && i + 1 < row.length) {
      cur += ch + row[++i];
      continue;
    }
    if (ch === '`') {
      let n = 1;
      while (row[i + n] === '`') n++;
      fence = fence === 0 ? n : fence === n ? 0 : fence;
      cur += row.slice(i, i + n);
      i += n - 1;
      continue;
    }
    if (ch === '|' && fence === 0) {
      cells.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  cells.push(cur);
  // A row starts and ends with "|": drop the empty outer pieces.
  return cells.slice(1, -1);
}

/** Throws (assert) when `md` is not sane as described above; returns the number of tables seen. */
export function assertSaneMarkdown(md: string): number {
  assert.ok(md.endsWith('\n'), 'ends with a newline');
  assert.doesNotMatch(md, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/, 'no control characters');
  for (const tag of md.match(/<[^>\n]*>/g) ?? []) assert.match(tag, ALLOWED_TAGS, `raw HTML ${tag}`);
  const lines = md.split('\n');
  let tables = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|')) continue;
    const header = tableCells(lines[i]!);
    const delim = tableCells(lines[i + 1] ?? '');
    assert.equal(delim.length, header.length, `delimiter row of the table at line ${i + 1}`);
    for (const d of delim) assert.match(d.trim(), /^:?-+:?$/, `delimiter cell "${d}" at line ${i + 2}`);
    let j = i + 2;
    for (; j < lines.length && lines[j]!.startsWith('|'); j++) {
      assert.equal(tableCells(lines[j]!).length, header.length, `row at line ${j + 1} has ${header.length} cells: ${lines[j]}`);
    }
    tables++;
    i = j;
  }
  return tables;
}
