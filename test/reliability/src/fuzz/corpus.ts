import { readFileSync } from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { deepObject } from './arbitraries';

/** One replayed case of the seed corpus. */
export interface CorpusCase {
  target: string;
  input: unknown;
  why: string;
}

type Segment = string | [string, number];

function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.$deep === 'number') return deepObject(record.$deep);
    return Object.fromEntries(
      Object.entries(record).map(([k, v]) => [k, decodeValue(v)]),
    );
  }
  return value;
}

/** Reads a corpus file of `corpus/`. */
export function readCorpus(name: string): CorpusCase[] {
  const file = resolvePackagePath(
    '@internal/security-posture-reliability',
    'corpus',
    name,
  );
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
    cases: Array<{
      target: string;
      text?: Segment[];
      value?: unknown;
      why: string;
    }>;
  };
  return parsed.cases.map(c => ({
    target: c.target,
    why: c.why,
    input: c.text
      ? c.text
          .map(s => (typeof s === 'string' ? s : s[0].repeat(s[1])))
          .join('')
      : decodeValue(c.value),
  }));
}
