/**
 * The page shell every HTML report page shares (the run report today; compare, gate, cost and
 * the claims register can reuse it with their own sections): the document, a head with a
 * Content-Security-Policy, the report stylesheet, and optionally a JSON data element and
 * inline scripts.
 *
 * A page is one self-contained file that opens offline. Nothing is fetched: the CSP has
 * `default-src 'none'` and allows only the inline <style>/<script> bodies whose sha256 it
 * lists. Text from a result goes through JSX, which escapes it; the only raw text is in
 * <Inline> below.
 */
import { createHash } from 'node:crypto';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { jsonForScript } from '../format.js';
import { REPORT_CSS } from './assets.generated.js';

/** Id of the JSON data element the client script reads. */
export const DATA_ELEMENT_ID = 'capbench-data';

export interface PageProps {
  /** Document title (browser tab, bookmarks). */
  title: string;
  /** capbench version, for <meta name="generator">. */
  version: string;
  /** Class of <body> (the stylesheet marks an aborted run's header with it). */
  bodyClass?: string;
  /** Data for the scripts, embedded as JSON in <script type="application/json" id="capbench-data">. */
  data?: unknown;
  /** Inline script bodies, run in this order after the data element (none: scripts are blocked). */
  scripts?: readonly string[];
  children?: ComponentChildren;
}

/** A whole report page: head (CSP, stylesheet), the given body content, then data and scripts. */
export function Page({ title, version, bodyClass, data, scripts = [], children }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content={contentSecurityPolicy(REPORT_CSS, scripts)} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="generator" content={`capbench ${version}`} />
        <title>{title}</title>
        <Inline tag="style" body={REPORT_CSS} />
      </head>
      <body class={bodyClass}>
        {children}
        {data !== undefined && <Inline tag="script" type="application/json" id={DATA_ELEMENT_ID} body={jsonForScript(data)} />}
        {scripts.map((body) => (
          <Inline tag="script" body={body} />
        ))}
      </body>
    </html>
  );
}

/**
 * Render a <Page> as an HTML document: `<!doctype html>`, the markup, a final newline.
 *
 * @throws Error when an inline body could end its element early (see Inline).
 */
export function renderPage(page: VNode<any>): string {
  return `<!doctype html>\n${escapeGtAndApos(renderToString(page))}\n`;
}

/** The CSP of a page: nothing but the given inline style and scripts, no fetch of any kind. */
function contentSecurityPolicy(style: string, scripts: readonly string[]): string {
  const scriptSrc = scripts.length ? scripts.map((s) => `'sha256-${sha256(s)}'`).join(' ') : "'none'";
  return [
    "default-src 'none'",
    `script-src ${scriptSrc}`,
    `style-src 'sha256-${sha256(style)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/** What would end an inline <style>/<script> element early (or open a comment that could). */
const EARLY_END = /<\/(?:style|script)|<!--/i;

/**
 * The one place raw text enters a page: the body of an inline <style> or <script> (our
 * stylesheet, Chart.js, our client script, the JSON data). It cannot go through JSX text,
 * which would escape it into different CSS/JS, and it must stay byte for byte what the CSP
 * hash covers. Every caller passes text made safe for it (assets checked at build time,
 * Chart.js defused in chartJsSource, data through jsonForScript); this checks again.
 */
function Inline({ tag, body, type, id }: { tag: 'style' | 'script'; body: string; type?: string; id?: string }) {
  const bad = EARLY_END.exec(body);
  if (bad) throw new Error(`Cannot inline a <${tag}> body that contains "${bad[0]}".`);
  const raw = { __html: body };
  return tag === 'style' ? <style dangerouslySetInnerHTML={raw} /> : <script type={type} id={id} dangerouslySetInnerHTML={raw} />;
}

/**
 * preact-render-to-string escapes &, < and " (all HTML needs). Reports have always written >
 * and ' as &gt; and &#39; as well, so a hostile string reads `&lt;script&gt;` in the source
 * and tests pin that; this adds those two entities in text and attribute values. It only
 * ever adds entities, and leaves tags and the inline <style>/<script> bodies alone. It
 * relies on the renderer's output: every "<" in text is escaped, every attribute value is
 * double-quoted with its '"' escaped.
 */
function escapeGtAndApos(html: string): string {
  const more = (text: string) => text.replace(/>/g, '&gt;').replace(/'/g, '&#39;');
  return html.replace(
    /<(style|script)\b[^>]*>[\s\S]*?<\/\1>|<[^>"]*(?:"[^"]*"[^>"]*)*>|[^<]+/g,
    (segment: string, inline: string | undefined) => {
      if (inline) return segment;
      if (segment.startsWith('<')) return segment.replace(/"[^"]*"/g, more);
      return more(segment);
    },
  );
}
