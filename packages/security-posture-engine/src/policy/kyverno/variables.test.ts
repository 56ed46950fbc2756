import { KyvernoJmespath } from './jmespath';
import {
  substituteAll,
  substituteString,
  VariableSubstitutionError,
} from './variables';

const jp = new KyvernoJmespath();
const ctx = {
  request: {
    operation: 'CREATE',
    object: {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 3, containers: [{ name: 'a' }, { name: 'b' }] },
    },
  },
  element: { name: 'a', image: 'nginx:1' },
  elementIndex: 0,
  braces: 'x{{y}}',
};
const query = (e: string) => jp.search(e, ctx);

describe('variable substitution', () => {
  it('a string that is only a variable takes the value and its type', () => {
    expect(substituteString('{{ request.object.spec.replicas }}', query)).toBe(
      3,
    );
    expect(
      substituteString('{{request.object.spec.containers[].name}}', query),
    ).toEqual(['a', 'b']);
    expect(substituteString('{{ elementIndex }}', query)).toBe(0);
    expect(
      substituteString(
        "{{ request.object.metadata.annotations.x || '' }}",
        query,
      ),
    ).toBe('');
  });

  it('variables inside text are written as text (JSON for non-strings)', () => {
    expect(
      substituteString('name={{ request.object.metadata.name }}!', query),
    ).toBe('name=web!');
    expect(
      substituteString('n={{ request.object.spec.replicas }}', query),
    ).toBe('n=3');
    expect(
      substituteString('l={{ request.object.metadata.labels }}', query),
    ).toBe('l={"app":"web"}');
    expect(
      substituteString('{{ element.name }}:{{ element.image }}', query),
    ).toBe('a:nginx:1');
  });

  it('escaped braces are kept literally', () => {
    expect(substituteString('\\{{ request.operation }}', query)).toBe(
      '{{ request.operation }}',
    );
  });

  it('resolves nested variables produced by a substitution, unless shallow', () => {
    const nested = {
      ...ctx,
      inner: '{{ request.operation }}',
    };
    const q = (e: string) => jp.search(e, nested);
    expect(substituteString('value: {{ inner }}', q)).toBe('value: CREATE');
    expect(substituteString('value: {{- inner }}', q)).toBe(
      'value: {{ request.operation }}',
    );
  });

  it('unresolvable variables are errors with the variable and path', () => {
    expect(() =>
      substituteString(
        '{{ request.object.metadata.annotations.x }}',
        query,
        '/a',
      ),
    ).toThrow(VariableSubstitutionError);
    expect(() =>
      substituteString(
        '{{ request.object.metadata.annotations.x }}',
        query,
        '/a',
      ),
    ).toThrow(
      /request.object.metadata.annotations.x at path \/a.*Unknown key "annotations"/,
    );
  });

  it('substitutes in every value and key of a document', () => {
    const doc = {
      spec: {
        '{{ element.name }}': '{{ request.object.metadata.name }}',
        list: ['{{ elementIndex }}', 'plain'],
        n: 1,
      },
    };
    expect(substituteAll(doc, query)).toEqual({
      spec: { a: 'web', list: [0, 'plain'], n: 1 },
    });
    // documents without variables are returned as they are
    const plain = { a: ['b'] };
    expect(substituteAll(plain, query)).toBe(plain);
  });

  it('resolves $(…) references to other values of the same pattern', () => {
    const pattern = {
      spec: {
        containers: [
          {
            resources: {
              requests: { memory: '?*' },
              limits: { memory: '<=$(./../../requests/memory)' },
            },
          },
        ],
      },
    };
    const out = substituteAll(pattern, query) as any;
    expect(out.spec.containers[0].resources.limits.memory).toBe('<=?*');
    expect(substituteAll({ a: 'x', b: '$(/a)' }, query)).toEqual({
      a: 'x',
      b: 'x',
    });
    expect(substituteAll({ a: 'x', b: '\\$(/a)' }, query)).toEqual({
      a: 'x',
      b: '$(/a)',
    });
  });
});
