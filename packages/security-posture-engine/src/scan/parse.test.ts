import { parseYamlDocuments, valueDepth } from './parse';

/** An anchor in a trailing comment sends the text down the careful path. */
const CAREFUL = '\n# &careful\n';

function both(text: string) {
  const fast = [...parseYamlDocuments(text)];
  const careful = [...parseYamlDocuments(`${text}${CAREFUL}`)];
  return { fast, careful };
}

describe('parseYamlDocuments', () => {
  it('reads plain manifests the same on the fast and the careful path', () => {
    const text = [
      '# leading comment',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: "quoted # not a comment"',
      '  labels: {app: web, tier: "1"}',
      'data:',
      '  mode: 0755',
      '  octal: 0o14',
      '  hex: 0x1F',
      '  float: 1.5e3',
      '  inf: .inf',
      '  yes: yes',
      '  on: on',
      '  bool: True',
      '  nothing: ~',
      '  empty:',
      '  date: 2024-01-02T03:04:05Z',
      '  list: [a, "b", 3]',
      '  script: |',
      '    #!/bin/sh',
      '    echo "[not] {flow}"',
      '  folded: >-',
      '    one',
      '    two',
      '--- # second document',
      '- name: a',
      '  value: 1',
      '- - nested',
      '  - list',
      '---',
      '',
    ].join('\n');
    const { fast, careful } = both(text);
    const strip = (docs: typeof fast) =>
      docs.map(d => ({
        index: d.index,
        line: d.line,
        value: d.value,
        error: d.error,
      }));
    expect(strip(fast)).toEqual(strip(careful));
    expect(fast.map(d => d.line)).toEqual([3, 28, 32]);
    expect(fast[0].value).toMatchObject({
      data: {
        mode: 755,
        octal: 12,
        hex: 31,
        float: 1500,
        inf: Infinity,
        yes: 'yes',
        on: 'on',
        bool: true,
        nothing: null,
        empty: null,
        date: '2024-01-02T03:04:05Z',
        script: '#!/bin/sh\necho "[not] {flow}"\n',
        folded: 'one two',
      },
    });
    expect(fast[2].value).toBeNull();
  });

  it('handles CRLF line endings', () => {
    const { fast, careful } = both('a: 1\r\n---\r\nb: 2\r\n');
    expect(fast.map(d => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(careful.map(d => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('keeps document offsets that cover the text', () => {
    const text = 'a: 1\n---\nb: 2\n---\nc: 3\n';
    const docs = [...parseYamlDocuments(text)];
    expect(docs.map(d => text.slice(d.offset!, d.offset! + d.bytes))).toEqual([
      'a: 1\n',
      '---\nb: 2\n',
      '---\nc: 3\n',
    ]);
  });

  it('gives one error per bad document and keeps the others', () => {
    const docs = [...parseYamlDocuments('a: 1\n---\nb: [\n---\nc: 3\n')];
    expect(docs.map(d => [d.index, d.value ?? null, Boolean(d.error)])).toEqual(
      [
        [0, { a: 1 }, false],
        [1, null, true],
        [2, { c: 3 }, false],
      ],
    );
  });

  it('resolves a few aliases but stops alias bombs', () => {
    const [ok] = parseYamlDocuments('a: &x {k: v}\nb: *x\n');
    expect(ok.value).toEqual({ a: { k: 'v' }, b: { k: 'v' } });
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      bomb.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const [bad] = parseYamlDocuments(bomb.join('\n'));
    expect(bad.error).toMatch(/possible alias bomb/);
  });

  it('rejects deep nesting on both paths without recursing', () => {
    for (const text of [
      `${'['.repeat(101)}${']'.repeat(101)}`,
      `${'['.repeat(50000)}${']'.repeat(50000)}`,
      `${'{a: '.repeat(200)}1${'}'.repeat(200)}`,
    ]) {
      const { fast, careful } = both(text);
      expect(fast[0].error).toBe('document nests deeper than 100 levels');
      expect(careful[0].error).toBe('document nests deeper than 100 levels');
    }
    const [ok] = parseYamlDocuments(`${'['.repeat(100)}${']'.repeat(100)}`);
    expect(ok.error).toBeUndefined();
  });
});

describe('valueDepth', () => {
  it('counts nested collections without recursion', () => {
    expect(valueDepth('x', 10)).toBe(0);
    expect(valueDepth({ a: [1, { b: {} }] }, 10)).toBe(4);
    let deep: unknown = [];
    for (let i = 0; i < 100000; i++) deep = [deep];
    expect(valueDepth(deep, 50)).toBe(51);
  });
});
