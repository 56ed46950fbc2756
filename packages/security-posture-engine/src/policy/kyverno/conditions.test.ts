import {
  ConditionError,
  evaluateConditions,
  evaluateOperator,
} from './conditions';

const op = evaluateOperator;

describe('Equals / NotEquals', () => {
  it('compares strings with wildcards in the value', () => {
    expect(op('Equals', 'nginx:latest', 'nginx:latest')).toBe(true);
    expect(op('Equals', 'nginx:latest', '*:latest')).toBe(true);
    expect(op('Equals', 'nginx:1.0', '*:latest')).toBe(false);
    expect(op('NotEquals', 'DELETE', 'DELETE')).toBe(false);
    expect(op('NotEquals', 'CREATE', 'DELETE')).toBe(true);
    expect(op('equal', 'a', 'a')).toBe(true); // names are case-insensitive, Equal is an alias
    expect(op('notequal', 'a', 'b')).toBe(true);
  });
  it('compares numbers with numbers and numeric strings', () => {
    expect(op('Equals', 3, 3)).toBe(true);
    expect(op('Equals', 3, '3')).toBe(true);
    expect(op('Equals', 3, 4)).toBe(false);
    expect(op('NotEquals', 3, '4')).toBe(true);
  });
  it('compares booleans with booleans only', () => {
    expect(op('Equals', true, true)).toBe(true);
    expect(op('Equals', true, 'true')).toBe(false);
    expect(op('NotEquals', true, 'true')).toBe(true);
  });
  it('compares quantities and durations by value', () => {
    expect(op('Equals', '1Gi', '1024Mi')).toBe(true);
    expect(op('Equals', '1h', '60m')).toBe(true);
    expect(op('Equals', '1m', 60)).toBe(true); // a number is a duration in seconds
    expect(op('NotEquals', '500m', '0.5')).toBe(false);
  });
  it('compares objects and lists deeply', () => {
    expect(op('Equals', { a: [1, 2] }, { a: [1, 2] })).toBe(true);
    expect(op('Equals', ['a', 'b'], ['b', 'a'])).toBe(false);
    expect(op('NotEquals', { a: 1 }, { a: 2 })).toBe(true);
  });
});

describe('GreaterThan family', () => {
  it('numbers', () => {
    expect(op('GreaterThan', 5, 3)).toBe(true);
    expect(op('GreaterThan', 3, 3)).toBe(false);
    expect(op('GreaterThanOrEquals', 3, 3)).toBe(true);
    expect(op('LessThan', 2, '3')).toBe(true);
    expect(op('LessThanOrEquals', '4', 3)).toBe(false);
  });
  it('quantities', () => {
    expect(op('GreaterThan', '2Gi', '1Gi')).toBe(true);
    expect(op('LessThanOrEquals', '500m', '1')).toBe(true);
    expect(op('LessThan', '1.5', '1')).toBe(false);
  });
  it('durations', () => {
    expect(op('GreaterThan', '2h', '90m')).toBe(true);
    expect(op('LessThan', '30s', 60)).toBe(true);
  });
  it('semantic versions', () => {
    expect(op('GreaterThan', '1.10.0', '1.9.3')).toBe(true);
    expect(op('LessThan', '1.2.3-rc.1', '1.2.3')).toBe(true);
  });
  it('other strings never compare', () => {
    expect(op('GreaterThan', 'b', 'a')).toBe(false);
    expect(op('LessThan', 'a', 'b')).toBe(false);
  });
});

describe('Duration operators (deprecated)', () => {
  it('compare durations and seconds', () => {
    expect(op('DurationGreaterThan', '2h', '1h')).toBe(true);
    expect(op('DurationGreaterThanOrEquals', '1h', 3600)).toBe(true);
    expect(op('DurationLessThan', 30, '1m')).toBe(true);
    expect(op('DurationLessThanOrEquals', '2m', '1m')).toBe(false);
    expect(op('DurationLessThan', 'soon', '1m')).toBe(false);
  });
});

describe('AnyIn / AllIn / AnyNotIn / AllNotIn', () => {
  it('scalar keys against lists, with wildcards on either side', () => {
    expect(op('AnyIn', 'kube-system', ['kube-*', 'default'])).toBe(true);
    expect(op('AnyIn', 'prod', ['kube-*', 'default'])).toBe(false);
    expect(op('AllIn', 'default', ['default'])).toBe(true);
    expect(op('AnyNotIn', 'prod', ['dev', 'test'])).toBe(true);
    expect(op('AllNotIn', 'dev', ['dev', 'test'])).toBe(false);
  });
  it('list keys: any / all of the keys', () => {
    const allowed = ['NET_BIND_SERVICE', 'CHOWN'];
    expect(op('AnyIn', ['NET_RAW', 'CHOWN'], allowed)).toBe(true);
    expect(op('AllIn', ['NET_RAW', 'CHOWN'], allowed)).toBe(false);
    expect(op('AllIn', ['CHOWN'], allowed)).toBe(true);
    expect(op('AnyNotIn', ['NET_RAW', 'CHOWN'], allowed)).toBe(true);
    expect(op('AnyNotIn', ['CHOWN'], allowed)).toBe(false);
    expect(op('AllNotIn', ['NET_RAW', 'SYS_ADMIN'], allowed)).toBe(true);
    expect(op('AllNotIn', ['NET_RAW', 'CHOWN'], allowed)).toBe(false);
  });
  it('AnyNotIn / AnyIn of an empty list are false; AllIn of an empty list is true', () => {
    expect(op('AnyNotIn', [], ['a'])).toBe(false);
    expect(op('AnyIn', [], ['a'])).toBe(false);
    expect(op('AllIn', [], ['a'])).toBe(true);
    expect(op('AllNotIn', [], ['a'])).toBe(true);
  });
  it('ranges like 5000-6000 as the value', () => {
    expect(op('AnyNotIn', [80, 5500], '5000-6000')).toBe(true);
    expect(op('AnyNotIn', [5000, 6000], '5000-6000')).toBe(false);
    expect(op('AnyIn', [80, 5500], '5000-6000')).toBe(true);
    expect(op('AllIn', [5000, 5999], '5000-6000')).toBe(true);
    expect(op('AllIn', [80, 5999], '5000-6000')).toBe(false);
    expect(op('AllNotIn', [80, 7000], '5000-6000')).toBe(true);
    expect(op('AnyIn', '5500', '5000-6000')).toBe(true);
    expect(op('AnyNotIn', '80', '5000-6000')).toBe(true);
  });
  it('numbers in lists are compared as text', () => {
    expect(op('AnyNotIn', [0, 8080], [0])).toBe(true);
    expect(op('AnyNotIn', [0], [0])).toBe(false);
    expect(op('AnyIn', 443, ['443', '80'])).toBe(true);
  });
  it('a value may be a JSON list in a string, or a single string', () => {
    expect(op('AnyIn', 'b', '["a","b"]')).toBe(true);
    expect(op('AllIn', ['a', 'b'], '["a","b"]')).toBe(true);
    expect(op('AnyIn', 'a', 'a')).toBe(true);
    expect(op('AnyNotIn', 'a', 'b')).toBe(true);
  });
});

describe('In / NotIn (deprecated)', () => {
  it('exact set membership for list keys, wildcards for scalar keys', () => {
    expect(op('In', 'a', ['a', 'b'])).toBe(true);
    expect(op('In', 'kube-system', ['kube-*'])).toBe(true);
    expect(op('In', ['a', 'b'], ['a', 'b', 'c'])).toBe(true);
    expect(op('In', ['a', 'z'], ['a', 'b', 'c'])).toBe(false);
    expect(op('NotIn', ['a', 'z'], ['a', 'b', 'c'])).toBe(true);
    expect(op('NotIn', 'x', ['a'])).toBe(true);
  });
});

describe('unknown operators', () => {
  it('throw', () => {
    expect(() => op('Matches', 'a', 'a')).toThrow(ConditionError);
  });
});

describe('condition blocks', () => {
  const identity = (v: unknown) => v;
  const T = { key: 'a', operator: 'Equals', value: 'a', message: 'T' };
  const F = { key: 'a', operator: 'Equals', value: 'b', message: 'F' };

  it('all: every condition; any: one of them; both when both are present', () => {
    expect(evaluateConditions({ all: [T, T] }, identity).result).toBe(true);
    expect(evaluateConditions({ all: [T, F] }, identity).result).toBe(false);
    expect(evaluateConditions({ any: [F, T] }, identity).result).toBe(true);
    expect(evaluateConditions({ any: [F, F] }, identity).result).toBe(false);
    expect(evaluateConditions({ any: [T], all: [F] }, identity).result).toBe(
      false,
    );
    expect(evaluateConditions({ any: [T], all: [T] }, identity).result).toBe(
      true,
    );
  });
  it('an empty any block does not hold, an absent one does', () => {
    expect(evaluateConditions({ any: [] }, identity).result).toBe(false);
    expect(evaluateConditions({ all: [] }, identity).result).toBe(true);
    expect(evaluateConditions(undefined, identity).result).toBe(true);
  });
  it('the legacy list form means all', () => {
    expect(evaluateConditions([T, T], identity).result).toBe(true);
    expect(evaluateConditions([T, F], identity).result).toBe(false);
  });
  it('returns the messages of the deciding conditions', () => {
    expect(evaluateConditions({ all: [T, F] }, identity).message).toBe('F');
    expect(evaluateConditions({ any: [F, T] }, identity).message).toBe('T');
  });
  it('substitutes keys and values before comparing', () => {
    const vars: Record<string, unknown> = { '{{ op }}': 'DELETE' };
    const substitute = (v: unknown) =>
      typeof v === 'string' && v in vars ? vars[v] : v;
    expect(
      evaluateConditions(
        { all: [{ key: '{{ op }}', operator: 'NotEquals', value: 'DELETE' }] },
        substitute,
      ).result,
    ).toBe(false);
  });
});
