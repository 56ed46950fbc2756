import fs from 'fs';
import path from 'path';
import type { CheckDefinition, CheckOutcome } from '../../model/check';
import type { NormalizeResult, Resource } from '../../model/resource';
import { createResourceIndex } from '../../scorecard/resourceIndex';
import {
  extractAwsConfigItems,
  normalizeAwsConfigItems,
} from '../config/normalize';
import { normalizeTerraformJson } from '../terraform/normalize';

const FIXTURES = path.resolve(__dirname, '../__fixtures__');

/** Evaluation time of the fixture tests (access key age, runtime deprecation). */
export const NOW = new Date('2025-03-20T00:00:00Z');

/** The secret planted in every fixture (passwords, tokens, env values, key secrets). */
export const CANARY = 'CANARY-9f2c4e7a';

/** Parsed JSON of a fixture file, relative to `__fixtures__`. */
export function readFixture(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
}

/** Raw text of a fixture file. */
export function readFixtureText(file: string): string {
  return fs.readFileSync(path.join(FIXTURES, file), 'utf8');
}

/** The fixture sources the check tests evaluate. */
export type FixtureSet = 'plan' | 'state' | 'config';

export const CONFIG_FILES = [
  'aws-config/get-resource-config-history.json',
  'aws-config/select-resource-config.json',
  'aws-config/batch-get-resource-config.json',
  'aws-config/snapshot.json',
];

const cache = new Map<FixtureSet, NormalizeResult>();

/** Normalised resources of a fixture set (cached). */
export function normalized(set: FixtureSet): NormalizeResult {
  let result = cache.get(set);
  if (result) return result;
  if (set === 'plan') {
    result = normalizeTerraformJson(readFixture('terraform/plan.json'), {
      format: 'terraform-plan',
      file: 'plan.json',
    });
  } else if (set === 'state') {
    result = normalizeTerraformJson(readFixture('terraform/state.json'), {
      format: 'terraform-state',
      file: 'state.json',
    });
  } else {
    const resources: Resource[] = [];
    const errors: NormalizeResult['errors'] = [];
    for (const file of CONFIG_FILES) {
      const items = extractAwsConfigItems(readFixture(file));
      if (!items) throw new Error(`${file} holds no configuration items`);
      const r = normalizeAwsConfigItems(items, {
        format: 'aws-config',
        file,
      });
      resources.push(...r.resources);
      errors.push(...r.errors);
    }
    result = { resources, errors };
  }
  cache.set(set, result);
  return result;
}

/**
 * Finds a resource of a fixture set by Terraform address, uid, or a unique uid
 * suffix (`:db:billing-db`, `security-group/sg-0c0ffee000000001`).
 */
export function findResource(set: FixtureSet, selector: string): Resource {
  const { resources } = normalized(set);
  const exact = resources.find(
    r => r.address === selector || r.uid === selector,
  );
  if (exact) return exact;
  const matches = resources.filter(r => r.uid.endsWith(selector));
  if (matches.length !== 1) {
    throw new Error(
      `${matches.length} resources of ${set} match ${JSON.stringify(selector)}`,
    );
  }
  return matches[0];
}

/** Evaluates a check on a resource of a fixture set, with the whole set as context. */
export function evaluateOn(
  check: CheckDefinition,
  set: FixtureSet,
  selector: string,
  now: Date = NOW,
): { resource: Resource; outcome: CheckOutcome } {
  const resource = findResource(set, selector);
  if (!check.appliesTo.includes(resource.type)) {
    throw new Error(`${check.id} does not apply to ${resource.type}`);
  }
  const index = createResourceIndex(normalized(set).resources);
  return {
    resource,
    outcome: check.evaluate(resource, { resources: index, now }),
  };
}
