/**
 * A small strict XML 1.0 well-formedness checker for tests (no dependency): one root element,
 * balanced and properly nested tags, quoted attributes without "<", no duplicate attributes,
 * only the five predefined entities or character references, no raw "<" or "&" in text.
 * Not a validating parser; DTDs, CDATA and comments are rejected (our JUnit has none).
 */

/** Throws an Error naming the offset and the problem when `xml` is not well-formed. */
export function assertWellFormedXml(xml: string): void {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`XML not well-formed at offset ${i}: ${what} (near ${JSON.stringify(xml.slice(Math.max(0, i - 30), i + 30))})`);
  };
  const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const skipWs = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  const checkText = (text: string) => {
    if (text.includes('<')) fail('raw "<" in text');
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text)) fail('control character');
    const amp = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
    if (amp.test(text)) fail('bare "&" or unknown entity');
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  const stack: string[] = [];
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (stack.length === 0 && text.trim() !== '') fail('text outside the root element');
    checkText(text);
    if (lt < 0) break;
    i = lt + 1;
    if (xml[i] === '/') {
      i++;
      const name = readName();
      skipWs();
      if (xml[i] !== '>') fail('expected ">"');
      i++;
      const open = stack.pop();
      if (open !== name) fail(`closing </${name}> does not match <${open ?? '(none)'}>`);
      continue;
    }
    if (xml[i] === '!' || xml[i] === '?') fail('comments, CDATA, DTDs and PIs are not expected');
    const name = readName();
    if (stack.length === 0) roots++;
    if (roots > 1) fail('more than one root element');
    const seen = new Set<string>();
    for (;;) {
      const before = i;
      skipWs();
      if (xml[i] === '/' && xml[i + 1] === '>') {
        i += 2;
        break;
      }
      if (xml[i] === '>') {
        i++;
        stack.push(name);
        break;
      }
      if (i === before) fail('expected whitespace before an attribute');
      const attr = readName();
      if (seen.has(attr)) fail(`duplicate attribute ${attr}`);
      seen.add(attr);
      if (xml[i] !== '=') fail('expected "="');
      i++;
      const q = xml[i];
      if (q !== '"' && q !== "'") fail('expected a quoted attribute value');
      const end = xml.indexOf(q!, i + 1);
      if (end < 0) fail('unterminated attribute value');
      checkText(xml.slice(i + 1, end));
      i = end + 1;
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack.at(-1)}>`);
  if (roots !== 1) fail('no root element');
}
