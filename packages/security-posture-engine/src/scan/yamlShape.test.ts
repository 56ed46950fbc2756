import { loadCustomChecks } from '../policy/cel';
import { loadKyvernoPolicies } from '../policy/kyverno';
import { parseYamlValue } from '../policy/kyverno/yaml';
import { parseScoringConfig } from '../scorecard/config';
import { parseExemptions } from '../scorecard/exemptions';
import { parseYamlDocuments, yamlShapeProblem } from './parse';

/**
 * A few kilobytes of flow collections nested a few hundred levels deep take the
 * `yaml` package minutes and gigabytes to compose (super-linear in the depth).
 * Every reader that composes YAML itself checks the nesting first.
 */
describe('hostile YAML outside the scan pipeline', () => {
  const deep = '[{'.repeat(400);

  it('is found on the syntax tree, with the document and line', () => {
    expect(yamlShapeProblem(`a: 1\n---\nb:\n  c: ${deep}`)).toBe(
      'document 2 (line 3) nests deeper than 100 levels',
    );
    expect(yamlShapeProblem('a: [[[1]]]\n')).toBeUndefined();
    expect(yamlShapeProblem('[['.repeat(50) + ']]'.repeat(50))).toBe(undefined);
  });

  it('counts syntax errors without composing', () => {
    expect(yamlShapeProblem('"a" "b" "c"\n')).toBeUndefined();
    expect(yamlShapeProblem('"'.repeat(300))).toBe(
      'more than 100 syntax errors (not valid YAML)',
    );
    expect(yamlShapeProblem(']'.repeat(300))).toBe(
      'more than 100 syntax errors (not valid YAML)',
    );
  });

  it('reads megabytes of junk in the scan pipeline in linear time', () => {
    for (const junk of ['"', ']', '"a" ']) {
      const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n${junk.repeat(
        (2 * 1024 * 1024) / junk.length,
      )}`;
      const start = Date.now();
      const docs = [...parseYamlDocuments(text)];
      // A hang guard, not a speed test: a super-linear reader takes minutes.
      expect(Date.now() - start).toBeLessThan(30_000);
      expect(docs.map(d => d.error).join('\n')).toContain(
        'more than 100 syntax errors',
      );
      expect(docs.length).toBeLessThan(5);
    }
  });

  it('refuses one oversized document by its size, without a syntax tree', () => {
    for (const junk of ['[', '"', '\n', '{a: 1}\n']) {
      const start = Date.now();
      const docs = [
        ...parseYamlDocuments(junk.repeat((3.5 * 1024 * 1024) / junk.length)),
      ];
      expect(Date.now() - start).toBeLessThan(10_000);
      expect(docs).toEqual([
        expect.objectContaining({
          error:
            'document is 3.5 MiB, larger than the 3.0 MiB limit for one resource document',
        }),
      ]);
    }
  });

  it('still reads the valid documents of a file that ends in junk', () => {
    const docs = [
      ...parseYamlDocuments(
        `kind: ConfigMap\napiVersion: v1\nmetadata: {name: ok}\n---\n${'"'.repeat(
          100_000,
        )}`,
      ),
    ];
    expect(docs[0].value).toMatchObject({ metadata: { name: 'ok' } });
    expect(docs[1].error).toBe(
      'more than 100 syntax errors (not valid YAML), not read',
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
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(messages.join('\n')).toContain('nests deeper than 100 levels');
  });

  it("Kyverno's parse_yaml throws a clear error", () => {
    expect(() => parseYamlValue(deep)).toThrow('nests deeper than 100 levels');
  });
});
