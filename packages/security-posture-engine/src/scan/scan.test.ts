import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  NormalizeResult,
  Resource,
  ResourceSource,
} from '../model/resource';
import {
  scanPaths,
  scanText,
  uniqueResourceIds,
  type FileScanResult,
  type Normalizers,
} from './scan';

/** Normalisers that record what they were given and make one resource per object. */
function recordingNormalizers() {
  const calls: Array<{
    normalizer: string;
    source: ResourceSource;
    input: unknown;
  }> = [];
  const make = (
    kind: string,
    name: string,
    source: ResourceSource,
  ): Resource => ({
    uid: `${kind}/${name}`,
    type: 'k8s.workload',
    kind,
    name,
    source,
    attributes: {},
  });
  const normalizers: Normalizers = {
    kubernetes(objects, source): NormalizeResult {
      calls.push({ normalizer: 'kubernetes', source, input: objects });
      const result: NormalizeResult = { resources: [], errors: [] };
      for (const o of objects as any[]) {
        if (o.kind === 'Unknown') {
          result.errors.push({
            message: `unsupported kind ${o.apiVersion}/${o.kind}, skipped`,
          });
        } else {
          result.resources.push(make(o.kind, o.metadata?.name ?? '?', source));
        }
      }
      return result;
    },
    terraform(doc, source) {
      calls.push({ normalizer: 'terraform', source, input: doc });
      return { resources: [make('aws_s3_bucket', 'logs', source)], errors: [] };
    },
    awsConfig(items, source) {
      calls.push({ normalizer: 'awsConfig', source, input: items });
      return {
        resources: items.map((_, i) =>
          make('AWS::S3::Bucket', `b${i}`, source),
        ),
        errors: [],
      };
    },
  };
  return { calls, normalizers };
}

const deployment = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n`;

describe('scanText', () => {
  it('reads multi-document YAML with document indexes and start lines', () => {
    const { calls, normalizers } = recordingNormalizers();
    const r = scanText(
      `${deployment('a')}---\n# comment\n${deployment('b')}---\n`,
      'm.yaml',
      { normalizers },
    );
    expect(r.errors).toEqual([]);
    expect(r.resources.map(x => x.name)).toEqual(['a', 'b']);
    expect(calls.map(c => c.source)).toEqual([
      { format: 'kubernetes-yaml', file: 'm.yaml', document: 0 },
      { format: 'kubernetes-yaml', file: 'm.yaml', document: 1 },
    ]);
    // the trailing `---` opens an empty third document
    expect(r.documentLines).toEqual([1, 7, 11]);
    expect(r.formats).toEqual(['kubernetes-yaml']);
  });

  it('dispatches Terraform plans and states', () => {
    const { calls, normalizers } = recordingNormalizers();
    scanText(
      JSON.stringify({
        format_version: '1.2',
        planned_values: { root_module: {} },
      }),
      'plan.json',
      { normalizers },
    );
    scanText(
      JSON.stringify({ format_version: '1.0', values: { root_module: {} } }),
      'state.json',
      { normalizers },
    );
    expect(calls.map(c => [c.normalizer, c.source.format])).toEqual([
      ['terraform', 'terraform-plan'],
      ['terraform', 'terraform-state'],
    ]);
  });

  it('dispatches every AWS Config shape', () => {
    const item = {
      resourceType: 'AWS::S3::Bucket',
      resourceId: 'b',
      configuration: {},
    };
    const shapes = [
      [item, item],
      { configurationItems: [item] },
      { baseConfigurationItems: [item, item, item] },
      item,
      { Results: [JSON.stringify(item)] },
    ];
    const counts = shapes.map(shape => {
      const { calls, normalizers } = recordingNormalizers();
      const r = scanText(JSON.stringify(shape), 'config.json', { normalizers });
      expect(r.errors).toEqual([]);
      expect(calls.map(c => c.normalizer)).toEqual(['awsConfig']);
      return (calls[0].input as unknown[]).length;
    });
    expect(counts).toEqual([2, 1, 3, 1, 1]);
  });

  it('reads kubectl JSON lists as Kubernetes', () => {
    const { calls, normalizers } = recordingNormalizers();
    const r = scanText(
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }),
      'pods.json',
      { normalizers },
    );
    expect(r.errors).toEqual([]);
    expect(calls.map(c => c.source.format)).toEqual(['kubernetes-json']);
  });

  it('reports unknown kinds and unrecognised documents per document', () => {
    const { normalizers } = recordingNormalizers();
    const r = scanText(
      `apiVersion: x/v1\nkind: Unknown\nmetadata: {name: q}\n---\nfoo: bar\n---\n${deployment(
        'ok',
      )}`,
      'mixed.yaml',
      { normalizers },
    );
    expect(r.resources.map(x => x.name)).toEqual(['ok']);
    expect(r.errors).toEqual([
      {
        source: 'mixed.yaml',
        message: 'document 1 (line 1): unsupported kind x/v1/Unknown, skipped',
        line: 1,
        document: 0,
      },
      {
        source: 'mixed.yaml',
        message: expect.stringMatching(
          /^document 2 \(line 5\): unrecognised document: not a Kubernetes object, Terraform JSON .* keys foo$/,
        ),
        line: 5,
        document: 1,
      },
    ]);
  });

  it('skips Backstage entities and policies without an error', () => {
    const { calls, normalizers } = recordingNormalizers();
    const r = scanText(
      [
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\n',
        'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\n',
        deployment('web'),
      ].join('---\n'),
      'catalog-info.yaml',
      { normalizers },
    );
    expect(r.errors).toEqual([]);
    expect(r.ignored).toBe(2);
    expect(calls).toHaveLength(1);
    expect(r.resources.map(x => x.name)).toEqual(['web']);
  });

  it('reports malformed YAML with its line and keeps the valid documents', () => {
    const { normalizers } = recordingNormalizers();
    const r = scanText(
      `${deployment('a')}---\nkey: [unclosed\nother: 1\n---\n${deployment(
        'c',
      )}`,
      'bad.yaml',
      { normalizers },
    );
    expect(r.resources.map(x => x.name)).toEqual(['a', 'c']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      source: 'bad.yaml',
      document: 1,
      unreadable: true,
      message: expect.stringMatching(
        /^document 2 \(line 6\): invalid YAML at line \d+: /,
      ),
    });
  });

  it('reports malformed JSON', () => {
    const { normalizers } = recordingNormalizers();
    const r = scanText('{"apiVersion": "v1", "kind": ', 'bad.json', {
      normalizers,
    });
    expect(r.resources).toEqual([]);
    expect(r.errors).toEqual([
      {
        source: 'bad.json',
        message: expect.stringMatching(/^invalid JSON: /),
        unreadable: true,
      },
    ]);
  });

  it('stops YAML alias bombs', () => {
    const { normalizers } = recordingNormalizers();
    const bomb = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: lol}',
      'data:',
      '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      '  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      '  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      '  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      '  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      '  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      '  g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    ].join('\n');
    const r = scanText(bomb, 'bomb.yaml', { normalizers });
    expect(r.resources).toEqual([]);
    expect(r.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('possible alias bomb'),
      }),
    ]);
  });

  it('rejects 1,000-deep nesting in YAML (flow and block) and JSON, without crashing', () => {
    const { normalizers } = recordingNormalizers();
    const flow = `${'['.repeat(1000)}${']'.repeat(1000)}`;
    let block = '';
    for (let i = 0; i < 1000; i++) block += `${' '.repeat(i)}k:\n`;
    const cases = [
      scanText(flow, 'flow.yaml', { normalizers }),
      scanText(`a: ${'['.repeat(10000)}${']'.repeat(10000)}`, 'flow10k.yaml', {
        normalizers,
      }),
      scanText(block, 'block.yaml', { normalizers }),
      scanText(flow, 'deep.json', { normalizers }),
    ];
    for (const r of cases) {
      expect(r.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('nests deeper than 100 levels'),
          unreadable: true,
        }),
      ]);
    }
  });

  it('rejects a 5 MB resource document but reads a large List', () => {
    const { normalizers } = recordingNormalizers();
    const big = `${deployment('big')}  annotations:\n    x: "${'a'.repeat(
      5 * 1024 * 1024,
    )}"\n`;
    const r = scanText(`${big}---\n${deployment('small')}`, 'big.yaml', {
      normalizers,
    });
    expect(r.resources.map(x => x.name)).toEqual(['small']);
    expect(r.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^document 1 \(line 1\): document is 5\.0 MiB, larger than the 3\.0 MiB limit/,
        ),
      }),
    ]);
    const json = scanText(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        data: { x: 'a'.repeat(5e6) },
      }),
      'big.json',
      { normalizers },
    );
    expect(json.errors[0].message).toMatch(/larger than the 3\.0 MiB limit/);

    const items = Array.from({ length: 4000 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm${i}` },
      data: { x: 'a'.repeat(1000) },
    }));
    const list = scanText(
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
      'list.json',
      { normalizers },
    );
    expect(list.errors).toEqual([]);
  });
});

describe('scanPaths', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-scan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function collect(paths: string[]): Promise<FileScanResult[]> {
    const { normalizers } = recordingNormalizers();
    const out: FileScanResult[] = [];
    for await (const r of scanPaths(paths, { normalizers })) out.push(r);
    return out;
  }

  it('walks directories in name order, skipping node_modules, .git and other extensions', async () => {
    mkdirSync(join(dir, 'k8s'));
    mkdirSync(join(dir, 'node_modules'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'k8s', 'b.yml'), deployment('b'));
    writeFileSync(join(dir, 'k8s', 'a.yaml'), deployment('a'));
    writeFileSync(join(dir, 'node_modules', 'x.yaml'), deployment('x'));
    writeFileSync(join(dir, '.git', 'x.json'), '{}');
    writeFileSync(join(dir, 'README.md'), '# not scanned');
    writeFileSync(
      join(dir, 'plan.json'),
      JSON.stringify({ format_version: '1.2', planned_values: {} }),
    );
    const results = await collect([dir]);
    expect(results.map(r => r.file.slice(dir.length + 1))).toEqual([
      'k8s/a.yaml',
      'k8s/b.yml',
      'plan.json',
    ]);
  });

  it('reports binary and missing files and still scans the rest', async () => {
    writeFileSync(join(dir, 'a.yaml'), deployment('a'));
    writeFileSync(
      join(dir, 'image.json'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]),
    );
    writeFileSync(
      join(dir, 'latin1.yaml'),
      Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0xff, 0x0a]),
    );
    writeFileSync(join(dir, 'z.yaml'), deployment('z'));
    const results = await collect([dir, join(dir, 'missing.yaml')]);
    expect(
      results.map(r => [
        r.file.slice(dir.length + 1),
        r.resources.length,
        r.errors.map(e => e.message),
      ]),
    ).toEqual([
      ['a.yaml', 1, []],
      ['image.json', 0, ['binary file (contains NUL bytes), skipped']],
      ['latin1.yaml', 0, ['binary file (not valid UTF-8 text), skipped']],
      ['z.yaml', 1, []],
      ['missing.yaml', 0, ['no such file or directory']],
    ]);
  });
});

describe('uniqueResourceIds', () => {
  it('renames later duplicates with their file', () => {
    const unique = uniqueResourceIds();
    const r = (file: string): Resource => ({
      uid: 'k8s:/apps/v1/Deployment/default/web',
      type: 'k8s.workload',
      kind: 'Deployment',
      name: 'web',
      source: { format: 'kubernetes-yaml', file, document: 0 },
      attributes: {},
    });
    expect(unique(r('base.yaml')).uid).toBe(
      'k8s:/apps/v1/Deployment/default/web',
    );
    expect(unique(r('overlay.yaml')).uid).toBe(
      'k8s:/apps/v1/Deployment/default/web@overlay.yaml#0',
    );
  });
});
