/**
 * YAML parsing the way Kubernetes tools read manifests (go-yaml v2 / YAML 1.1
 * scalars: `yes`/`no`/`on`/`off` are booleans, `0777` is octal), but without
 * timestamps, binary or set types, so every value stays plain JSON.
 */
import { parseAllDocuments, parse } from 'yaml';
import type { Tags } from 'yaml';
import { yamlShapeProblem } from '../../scan/parse';

const DROPPED_TAGS = new Set([
  'tag:yaml.org,2002:timestamp',
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
  'tag:yaml.org,2002:set',
]);

const OPTIONS = {
  schema: 'yaml-1.1' as const,
  customTags: (tags: Tags) =>
    tags.filter(
      t =>
        !(typeof t === 'object' && DROPPED_TAGS.has(t.tag)) &&
        !(
          typeof t === 'object' && (t as { format?: string }).format === 'TIME'
        ),
    ),
  maxAliasCount: 100,
  uniqueKeys: false,
};

/** One parsed document, or the error that stopped it. */
export interface YamlDocument {
  index: number;
  value?: unknown;
  error?: string;
}

/** Parses every document of a (multi-document) YAML text. Never throws. */
export function parseYamlDocuments(text: string): YamlDocument[] {
  const out: YamlDocument[] = [];
  const tooDeep = yamlShapeProblem(text);
  if (tooDeep) return [{ index: 0, error: tooDeep }];
  let docs;
  try {
    docs = parseAllDocuments(text, OPTIONS);
  } catch (e) {
    return [{ index: 0, error: (e as Error).message }];
  }
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      out.push({ index, error: doc.errors.map(e => e.message).join('; ') });
      return;
    }
    try {
      const value = doc.toJS({ maxAliasCount: 100 });
      out.push({ index, value: value === undefined ? null : value });
    } catch (e) {
      out.push({ index, error: (e as Error).message });
    }
  });
  return out;
}

/** Parses one YAML value (throws on invalid YAML), as `parse_yaml` does. */
export function parseYamlValue(text: string): unknown {
  const tooDeep = yamlShapeProblem(text);
  if (tooDeep) throw new Error(tooDeep);
  const value = parse(text, OPTIONS);
  return value === undefined ? null : value;
}
