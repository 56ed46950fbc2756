import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  defaultNormalizers,
  scanText,
  type Resource,
} from '@internal/security-posture-engine';
import {
  describeEntities,
  generateEstate,
  readEstateManifest,
  SCALES,
  type EstateEntity,
  type EstateManifest,
  type EstateScale,
} from './generate';

/** Bumped whenever the generator's output changes, so cached estates are rebuilt. */
export const GENERATOR_VERSION = 1;

/** Where estates and results are kept: `SP_BENCH_DATA` or a folder under the system's temp dir. */
export function dataDir(): string {
  return (
    process.env.SP_BENCH_DATA ??
    path.join(os.tmpdir(), 'security-posture-bench')
  );
}

/**
 * The estate of a named scale, generated on first use (and again when the
 * generator changed), kept under {@link dataDir}.
 */
export async function ensureEstate(
  scaleName: keyof typeof SCALES,
  log: (line: string) => void,
  seed = 42,
): Promise<{ dir: string; manifest: EstateManifest }> {
  const dir = path.join(dataDir(), `estate-${scaleName}-seed${seed}`);
  const stamp = path.join(dir, '.generator-version');
  try {
    const version = Number(await fs.readFile(stamp, 'utf8'));
    if (version === GENERATOR_VERSION) {
      return { dir, manifest: await readEstateManifest(dir) };
    }
  } catch {
    // not generated yet
  }
  const scale: EstateScale = SCALES[scaleName];
  log(
    `  generating estate ${scaleName} (${scale.entities} entities, ${scale.teams} teams, ${scale.resources} resources) in ${dir} …`,
  );
  const manifest = await generateEstate({ ...scale, seed, out: dir });
  await fs.writeFile(stamp, String(GENERATOR_VERSION));
  log(
    `  generated ${manifest.files} files, ${Math.round(
      manifest.bytes / 1024 / 1024,
    )} MiB, ${manifest.kubernetesObjects} Kubernetes objects, ${
      manifest.terraformInstances
    } Terraform instances in ${(manifest.generatedInMs / 1000).toFixed(1)} s`,
  );
  return { dir, manifest };
}

/** The scanned entities of a generated estate. */
export function entitiesOf(manifest: EstateManifest): EstateEntity[] {
  return describeEntities(
    manifest.scale,
    manifest.seed,
    manifest.terraformShare,
    manifest.exportShare,
  );
}

/** Reads, parses and normalises one entity's file (as the manifests provider does). */
export async function readEntityResources(
  dir: string,
  e: EstateEntity,
): Promise<Resource[]> {
  const file = path.join(dir, e.file);
  const text = await fs.readFile(file, 'utf8');
  const result = scanText(text, file, {
    normalizers: defaultNormalizers,
    provider: 'manifests',
    location: file,
  });
  if (result.errors.length > 0) {
    throw new Error(`${file}: ${result.errors[0].message}`);
  }
  return result.resources;
}
