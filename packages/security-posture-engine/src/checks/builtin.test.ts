import {
  CATEGORY_IDS,
  FRAMEWORK_TITLES,
  SEVERITIES,
} from '@internal/backstage-plugin-security-posture-common';
import { DEFAULT_CONTROLS } from '../scorecard/defaultScorecard';
import { BUILTIN_CHECKS } from './builtin';
import { validateCatalog } from './validate';

describe('BUILTIN_CHECKS', () => {
  it('has at least 40 checks with unique ids', () => {
    expect(BUILTIN_CHECKS.length).toBeGreaterThanOrEqual(40);
    const ids = BUILTIN_CHECKS.map(c => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('passes catalogue validation against the default scorecard', () => {
    expect(validateCatalog(BUILTIN_CHECKS)).toEqual([]);
  });

  it.each(BUILTIN_CHECKS.map(c => [c.id, c]))(
    '%s has complete metadata',
    (_id, check) => {
      expect(check.title.trim()).not.toBe('');
      expect(check.description.trim().length).toBeGreaterThan(10);
      expect(SEVERITIES).toContain(check.severity);
      expect(CATEGORY_IDS).toContain(check.category);
      const control = DEFAULT_CONTROLS.find(c => c.id === check.control);
      expect(control?.category).toBe(check.category);
      expect(check.weight).toBeGreaterThan(0);
      expect(check.appliesTo.length).toBeGreaterThan(0);
      expect(check.remediation.text.trim().length).toBeGreaterThan(10);
      const url = new URL(check.remediation.url);
      expect(url.protocol).toBe('https:');
      for (const framework of Object.keys(check.frameworks)) {
        expect(Object.keys(FRAMEWORK_TITLES)).toContain(framework);
      }
      expect(typeof check.evaluate).toBe('function');
    },
  );

  it('feeds every control of the default scorecard', () => {
    const fed = new Set(BUILTIN_CHECKS.map(c => c.control));
    expect(DEFAULT_CONTROLS.filter(c => !fed.has(c.id)).map(c => c.id)).toEqual(
      [],
    );
  });

  it('maps most checks onto at least one compliance framework', () => {
    const mapped = BUILTIN_CHECKS.filter(c =>
      Object.values(c.frameworks).some(ids => (ids ?? []).length > 0),
    );
    expect(mapped.length / BUILTIN_CHECKS.length).toBeGreaterThan(0.8);
  });
});

describe('validateCatalog', () => {
  const [first] = BUILTIN_CHECKS;

  it('reports duplicates, unknown controls, category mismatches and bad URLs', () => {
    const problems = validateCatalog([
      first,
      first,
      { ...first, id: 'x-unknown-control', control: 'no_such_control' },
      {
        ...first,
        id: 'x-wrong-category',
        control: DEFAULT_CONTROLS.find(c => c.category !== first.category)!.id,
      },
      {
        ...first,
        id: 'x-bad-url',
        remediation: { text: 'Fix it properly', url: 'ftp://example.com/fix' },
      },
    ]);
    expect(problems).toEqual([
      { checkId: first.id, message: 'duplicate check id' },
      {
        checkId: 'x-unknown-control',
        message: 'feeds unknown control "no_such_control"',
      },
      {
        checkId: 'x-wrong-category',
        message: expect.stringMatching(
          /^has category \w+ but its control \w+ is in \w+$/,
        ),
      },
      {
        checkId: 'x-bad-url',
        message:
          'remediation URL "ftp://example.com/fix" is not an http(s) URL',
      },
    ]);
  });
});
