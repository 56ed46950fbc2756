import { matchesLabelSelector, parseLabelSelector } from './labelSelector';

const matches = (selector: string, labels?: Record<string, string>) =>
  matchesLabelSelector(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  it('matches equality, inequality, set and existence requirements like the API server', () => {
    const labels = {
      app: 'payments',
      tier: 'api',
      'backstage.io/kubernetes-id': 'payments',
    };
    expect(matches('app=payments', labels)).toBe(true);
    expect(matches('app==payments,tier=api', labels)).toBe(true);
    expect(matches('app!=payments', labels)).toBe(false);
    expect(matches('tier in (api, web)', labels)).toBe(true);
    expect(matches('tier notin (api)', labels)).toBe(false);
    expect(matches('backstage.io/kubernetes-id', labels)).toBe(true);
    expect(matches('!canary', labels)).toBe(true);
    expect(matches('!app', labels)).toBe(false);
    // `!=` and `notin` match objects without the label at all.
    expect(matches('env!=prod', labels)).toBe(true);
    expect(matches('env notin (prod)', undefined)).toBe(true);
    expect(matches('app=payments', undefined)).toBe(false);
  });

  it.each([
    ['app in (a,b', 'unbalanced "("'],
    ['app=a)', 'unbalanced ")"'],
    ['app=a,,tier=b', 'empty requirement'],
    ['-app=a', 'invalid label key "-app"'],
    ['app=a b', 'invalid label value "a b"'],
  ])('rejects %s', (selector, message) => {
    expect(() => parseLabelSelector(selector)).toThrow(message);
  });
});
