import { loadCustomChecks } from '../policy/cel';
import { loadKyvernoPolicies } from '../policy/kyverno';
import { parseYamlValue } from '../policy/kyverno/yaml';
import { parseScoringConfig } from '../scorecard/config';
import { parseExemptions } from '../scorecard/exemptions';
import { yamlNestingProblem } from './parse';

/**
 * A few kilobytes of flow collections nested a few hundred levels deep take the
 * `yaml` package minutes and gigabytes to compose (super-linear in the depth).
 * Every reader that composes YAML itself checks the nesting first.
 */
describe('deep YAML nesting outside the scan pipeline', () => {
  const deep = '[{'.repeat(400);

  it('is found on the syntax tree, with the document and line', () => {
    expect(yamlNestingProblem(`a: 1\n---\nb:\n  c: ${deep}`)).toBe(
      'document 2 (line 3) nests deeper than 100 levels',
    );
    expect(yamlNestingProblem('a: [[[1]]]\n')).toBeUndefined();
    expect(yamlNestingProblem('[['.repeat(50) + ']]'.repeat(50))).toBe(
      undefined,
    );
  });

  it.each([
    [
      'CEL custom checks',
      () => loadCustomChecks(deep, 'checks.yaml').errors.map(e => e.message),
    ],
    [
      'Kyverno policies',
      () =>
        loadKyvernoPolicies(deep, { file: 'p.yaml' }).errors.map(
          e => e.message,
        ),
    ],
    [
      'exemption files and annotations',
      () => parseExemptions(deep, 'exemptions.yaml').errors.map(e => e.message),
    ],
    [
      'scoring files',
      () => parseScoringConfig(deep, 'scoring.yaml').errors.map(e => e.message),
    ],
  ])('%s are refused quickly with a clear error', (_what, load) => {
    const start = Date.now();
    const messages = load();
    expect(Date.now() - start).toBeLessThan(2000);
    expect(messages.join('\n')).toContain('nests deeper than 100 levels');
  });

  it("Kyverno's parse_yaml throws a clear error", () => {
    expect(() => parseYamlValue(deep)).toThrow('nests deeper than 100 levels');
  });
});
