import type { Entity } from '@backstage/catalog-model';
import { ANNOTATION_AWS_ARN, ANNOTATION_KUBERNETES_ID } from './annotations';
import { globMatch, ProviderEntityIndex } from './entities';

const entity = (
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, annotations },
});

describe('ProviderEntityIndex', () => {
  const index = ProviderEntityIndex.fromEntities([
    entity('Component', 'Payments-API', {
      [ANNOTATION_KUBERNETES_ID]: 'payments-api',
    }),
    entity('Resource', 'ledger-db', {
      [ANNOTATION_AWS_ARN]:
        'arn:aws:rds:eu-west-1:111122223333:db:ledger, arn:aws:s3:::ledger-backups',
    }),
    entity('Resource', 'exports', {
      [ANNOTATION_AWS_ARN]: 'arn:aws:s3:::acme-exports-*',
    }),
    entity('Resource', 'greedy', { [ANNOTATION_AWS_ARN]: '*' }),
    entity('Component', 'plain'),
  ]);

  it('keeps refs in lower case and finds entities by ref', () => {
    expect(index.size).toBe(5);
    expect([...index.all()].map(e => e.ref)).toEqual([
      'component:default/payments-api',
      'resource:default/ledger-db',
      'resource:default/exports',
      'resource:default/greedy',
      'component:default/plain',
    ]);
    expect(index.get('Component:default/Payments-API')?.kind).toBe('Component');
    expect(index.get('component:default/missing')).toBeUndefined();
  });

  it('lists the entities carrying an annotation', () => {
    expect(
      index.withAnnotation(ANNOTATION_KUBERNETES_ID).map(e => e.ref),
    ).toEqual(['component:default/payments-api']);
    expect(index.withAnnotation('nobody/uses-this')).toEqual([]);
  });

  it('matches comma-separated items exactly and `*` items as wildcards', () => {
    const refs = (value: string) =>
      index.claiming(ANNOTATION_AWS_ARN, value).map(e => e.ref);
    expect(refs('arn:aws:s3:::ledger-backups')).toEqual([
      'resource:default/ledger-db',
    ]);
    expect(refs('arn:aws:rds:eu-west-1:111122223333:db:ledger')).toEqual([
      'resource:default/ledger-db',
    ]);
    expect(refs('arn:aws:s3:::acme-exports-2024')).toEqual([
      'resource:default/exports',
    ]);
    // A bare `*` claims nothing; other values and prefixes do not match.
    expect(refs('arn:aws:s3:::acme-marketing')).toEqual([]);
    expect(refs('arn:aws:s3:::ledger-backups-old')).toEqual([]);
    expect(refs('ARN:AWS:S3:::LEDGER-BACKUPS')).toEqual([]);
  });
});

describe('globMatch', () => {
  it.each([
    ['arn:aws:s3:::a-*', 'arn:aws:s3:::a-b', true],
    ['arn:aws:s3:::a-*', 'arn:aws:s3:::a-', true],
    ['arn:*:s3:::*-logs', 'arn:aws:s3:::acme-logs', true],
    ['arn:*:s3:::*-logs', 'arn:aws:s3:::acme-logs-2', false],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['abc', 'abc', true],
    ['abc', 'abd', false],
  ])('%s matches %s: %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it('takes linear-ish time on patterns that make regular expressions backtrack', () => {
    const pattern = `${'a*'.repeat(30)}b`;
    const text = 'a'.repeat(5000);
    const started = Date.now();
    expect(globMatch(pattern, text)).toBe(false);
    // Backtracking would not finish at all: a hang guard, not a speed test.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
