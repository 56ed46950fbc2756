import {
  JmespathError,
  JmespathNotFoundError,
  KyvernoJmespath,
} from './jmespath';

const jp = new KyvernoJmespath(() => new Date('2024-05-06T07:08:09Z'));
const search = (expr: string, data: unknown = {}) => jp.search(expr, data);

const pod = {
  metadata: {
    name: 'web',
    labels: { app: 'web', 'app.kubernetes.io/name': 'x' },
  },
  spec: {
    containers: [
      {
        name: 'a',
        image: 'nginx',
        securityContext: { capabilities: { add: ['NET_RAW'] } },
      },
      { name: 'b', image: 'redis', ports: [{ hostPort: 80 }] },
    ],
    initContainers: [{ name: 'i', image: 'busybox' }],
    volumes: [
      { name: 'v', emptyDir: {} },
      { name: 'h', hostPath: { path: '/' } },
    ],
  },
};

describe('standard JMESPath', () => {
  it('selects, projects, flattens, filters and multi-selects', () => {
    expect(search('spec.containers[0].name', pod)).toBe('a');
    expect(search('spec.containers[-1].name', pod)).toBe('b');
    expect(search('spec.containers[*].name', pod)).toEqual(['a', 'b']);
    expect(
      search(
        'spec.[ephemeralContainers, initContainers, containers][].name',
        pod,
      ),
    ).toEqual(['i', 'a', 'b']);
    expect(search("spec.containers[?image=='redis'].name", pod)).toEqual(['b']);
    expect(search('spec.volumes[].keys(@)[]', pod)).toEqual([
      'name',
      'emptyDir',
      'name',
      'hostPath',
    ]);
    expect(
      search('{n: metadata.name, c: length(spec.containers)}', pod),
    ).toEqual({
      n: 'web',
      c: 2,
    });
    expect(search('metadata.labels."app.kubernetes.io/name"', pod)).toBe('x');
    expect(search('spec.containers[0:1].name', pod)).toEqual(['a']);
    expect(search('metadata.labels.*', pod)).toEqual(['web', 'x']);
    expect(search('spec.containers | [0].image', pod)).toBe('nginx');
    expect(search('`[1,2,3]`')).toEqual([1, 2, 3]);
    expect(search("'raw'")).toBe('raw');
    expect(search('!`false`')).toBe(true);
    expect(search('`1` < `2`')).toBe(true);
    expect(search("'a' < 'b'")).toBeNull();
  });

  it('standard functions', () => {
    expect(search('length(spec.containers)', pod)).toBe(2);
    expect(search("contains(['a','b'], 'b')")).toBe(true);
    expect(search("starts_with('nginx:1', 'nginx')")).toBe(true);
    expect(search("ends_with('nginx:1', ':1')")).toBe(true);
    expect(search("join(',', ['a','b'])")).toBe('a,b');
    expect(search('sort_by(spec.containers, &image)[].name', pod)).toEqual([
      'a',
      'b',
    ]);
    expect(search('max_by(spec.containers, &name).name', pod)).toBe('b');
    expect(search('min_by(spec.containers, &name).name', pod)).toBe('a');
    expect(search('max_by(`[{"n": 1}, {"n": 3}]`, &n).n')).toBe(3);
    expect(search('map(&name, spec.containers)', pod)).toEqual(['a', 'b']);
    expect(search('to_number(`"5"`)')).toBe(5);
    expect(search('to_string(`5`)')).toBe('5');
    expect(search('type(`{}`)')).toBe('object');
    expect(search('not_null(`null`, `2`)')).toBe(2);
    expect(search('merge(`{"a":1}`, `{"b":2}`)')).toEqual({ a: 1, b: 2 });
    expect(search('sum(`[1,2,3]`)')).toBe(6);
    expect(search('abs(`-2`)')).toBe(2);
  });
});

describe("Kyverno's missing-key semantics", () => {
  it('selecting a key a map does not have is an error', () => {
    expect(() => search('metadata.annotations.owner', pod)).toThrow(
      JmespathNotFoundError,
    );
    expect(() => search('metadata.annotations.owner', pod)).toThrow(
      'Unknown key "annotations" in path',
    );
  });
  it('a key below null is null, not an error', () => {
    expect(search('a.b', { a: null })).toBeNull();
  });
  it('projections, ||, multi-selects and function arguments absorb it', () => {
    expect(search('spec.containers[].ports[].hostPort', pod)).toEqual([80]);
    expect(search("metadata.annotations.owner || 'none'", pod)).toBe('none');
    expect(search('[metadata.annotations.owner, metadata.name]', pod)).toEqual([
      null,
      'web',
    ]);
    expect(search('not_null(metadata.annotations.owner, `1`)', pod)).toBe(1);
    expect(
      search(
        'spec.containers[].securityContext.capabilities.add[] || `[]`',
        pod,
      ),
    ).toEqual(['NET_RAW']);
    expect(search('spec.ephemeralContainers[].name', pod)).toBeNull();
  });
  it('&& does not absorb it on its right side', () => {
    expect(() => search('metadata.name && metadata.missing', pod)).toThrow(
      JmespathNotFoundError,
    );
  });
  it('syntax errors and unknown functions are errors', () => {
    expect(() => search('a[')).toThrow(JmespathError);
    expect(() => search('nope(@)')).toThrow(/unknown function/);
    expect(() => search('`1` + `2`')).toThrow(/not part of Kyverno/);
  });
});

describe("Kyverno's functions", () => {
  it.each([
    ["compare('a', 'b')", -1],
    ["compare('b', 'b')", 0],
    ["equal_fold('Go', 'GO')", true],
    ["replace('aaa', 'a', 'b', `2`)", 'bba'],
    ["replace('aaa', 'a', 'b', `-1`)", 'bbb'],
    ["replace_all('a-b-c', '-', '+')", 'a+b+c'],
    ["to_upper('abc')", 'ABC'],
    ["to_lower('ABC')", 'abc'],
    ["trim('--a--', '-')", 'a'],
    ["trim_prefix('docker.io/nginx', 'docker.io/')", 'nginx'],
    ["split('a,b,c', ',')", ['a', 'b', 'c']],
    ["regex_match('^[a-z]+$', 'abc')", true],
    ["regex_match('^[a-z]+$', 'ab1')", false],
    ["regex_match('(?i)^ABC$', 'abc')", true],
    ["regex_match('^[0-9]+$', `123`)", true],
    ["regex_replace_all('([a-z]+)-(\\d+)', 'web-01', '${2}.$1')", '01.web'],
    ["regex_replace_all_literal('[0-9]', 'a1b2', '$1')", 'a$1b$1'],
    ["pattern_match('nginx*', 'nginx:1.25')", true],
    ["pattern_match('nginx?', 'nginx')", false],
    ['label_match(`{"app":"web"}`, `{"app":"web","tier":"fe"}`)', true],
    ['label_match(`{"app":"web"}`, `{"tier":"fe"}`)', false],
    ["to_boolean('TRUE')", true],
    ["to_boolean('False')", false],
    ['add(`1`, `2`)', 3],
    ["add('1Gi', '512Mi')", '1536Mi'],
    ["add('1h', '30m0s')", '1h30m0s'],
    ["add('100m', '900m')", '1'],
    ['sum(`[1, 2, 3.5]`)', 6.5],
    ["sum(['1Gi', '1Gi'])", '2Gi'],
    ['subtract(`5`, `7`)', -2],
    ["subtract('1Gi', '512Mi')", '512Mi'],
    // `90m` alone is a quantity (90 milli), as in Kyverno: write durations with seconds
    ["subtract('1h', '90m0s')", '-30m0s'],
    ['multiply(`3`, `4`)', 12],
    ["multiply('250m', `4`)", '1'],
    ["multiply(`2`, '1h')", '2h0m0s'],
    ['divide(`10`, `4`)', 2.5],
    ["divide('1Gi', '512Mi')", 2],
    ["divide('1Gi', `2`)", '512Mi'],
    ["divide('1h', '30m0s')", 2],
    ["divide('1h', `4`)", '15m0s'],
    ['modulo(`7`, `3`)', 1],
    ["modulo('7', '3')", '1'],
    ["modulo('1h', '25m0s')", '10m0s'],
    ['round(`3.14159`, `2`)', 3.14],
    ['round(`2.5`, `0`)', 3],
    ["base64_encode('hello')", 'aGVsbG8='],
    ["base64_decode('aGVsbG8=')", 'hello'],
    ["path_canonicalize('/a//b/../c/')", '/a/c'],
    ["truncate('kubernetes', `4`)", 'kube'],
    ["truncate('k8s', `10`)", 'k8s'],
    ["semver_compare('1.2.3', '>=1.0.0 <2.0.0')", true],
    ["semver_compare('2.0.0', '>=1.0.0 <2.0.0 || 3.x')", false],
    ["semver_compare('3.1.0', '>=1.0.0 <2.0.0 || 3.x')", true],
    ["semver_compare('1.2.3', '!1.2.3')", false],
    ['parse_json(\'{"a": [1, 2]}\')', { a: [1, 2] }],
    ["parse_yaml('a: 1\nb: [x, z]')", { a: 1, b: ['x', 'z'] }],
    // YAML 1.1 scalars, as Kubernetes' YAML reader: yes/on/y are booleans
    ['parse_yaml(\'[yes, on, y, "yes"]\')', [true, true, true, 'yes']],
    ['lookup(`{"a": 1}`, \'a\')', 1],
    ['lookup(`{"a": 1}`, \'b\')', null],
    ['lookup(`["x", "y"]`, `1`)', 'y'],
    ['lookup(`["x"]`, `5`)', null],
    [
      'items(`{"b": 2, "a": 1}`, \'key\', \'value\')',
      [
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
      ],
    ],
    ["items(`[\"x\"]`, 'index', 'item')", [{ index: 0, item: 'x' }]],
    ["object_from_lists(['a', 'b'], `[1]`)", { a: 1, b: null }],
    ["time_add('2024-01-01T00:00:00Z', '36h')", '2024-01-02T12:00:00Z'],
    ["time_utc('2024-01-01T02:00:00+02:00')", '2024-01-01T00:00:00Z'],
    ["time_diff('2024-01-01T00:00:00Z', '2024-01-01T01:30:00Z')", '1h30m0s'],
    ["time_before('2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z')", true],
    ["time_after('2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z')", false],
    [
      "time_between('2024-01-01T12:00:00Z', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z')",
      true,
    ],
    ["time_truncate('2024-01-01T12:34:56Z', '1h')", '2024-01-01T12:00:00Z'],
    ["time_to_cron('2024-05-06T07:08:09Z')", '8 7 6 5 1'],
    ["time_parse('2006-01-02', '2024-03-04')", '2024-03-04T00:00:00Z'],
    [
      "time_parse('Mon Jan _2 15:04:05 MST 2006', 'Thu Feb  1 10:20:30 UTC 2024')",
      '2024-02-01T10:20:30Z',
    ],
    [
      "time_parse('2006-01-02T15:04:05-0700', '2024-03-04T05:06:07+0100')",
      '2024-03-04T05:06:07+01:00',
    ],
    ["time_parse('1136214245', '1700000000')", '2023-11-14T22:13:20Z'],
    ["time_since('', '2024-05-06T06:08:09Z', '')", '1h0m0s'],
    ["time_since('', '2024-05-06T06:00:00Z', '2024-05-06T06:00:30Z')", '30s'],
    ['time_now_utc()', '2024-05-06T07:08:09Z'],
    ["image_normalize('nginx')", 'docker.io/nginx:latest'],
    ["image_normalize('ghcr.io/org/app:1.2')", 'ghcr.io/org/app:1.2'],
    ["is_external_url('https://10.0.0.1/x')", false],
    ["is_external_url('http://8.8.8.8')", true],
    [
      "sha256('abc')",
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    ],
    ["sha1('abc')", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ["md5('abc')", '900150983cd24fb0d6963f7d28e17f72'],
  ])('%s', (expr, expected) => {
    expect(search(expr)).toEqual(expected);
  });

  it('type-checks arguments and reports function errors', () => {
    expect(() => search('to_upper(`1`)')).toThrow(/invalid type/);
    expect(() => search("to_upper('a', 'b')")).toThrow(/arity/);
    expect(() => search('divide(`1`, `0`)')).toThrow(/Zero divisor/);
    expect(() => search("add('1Gi', '1h')")).toThrow(/mismatch/);
    expect(() => search("subtract('1h', '90m')")).toThrow(/mismatch/);
    expect(() => search("to_boolean('yes')")).toThrow(/true' or 'false/);
    expect(() => search("base64_decode('%%%')")).toThrow(/base64/);
    expect(() => search('sum(`[]`)')).toThrow(/at least one element/);
    expect(() => search("x509_decode('x')")).toThrow(/not supported/);
    expect(() => search("is_external_url('https://example.com')")).toThrow(
      /host names/,
    );
  });
});
