import { promises as fs } from 'node:fs';
import path from 'node:path';
import { dump } from 'js-yaml';
import { buildKubernetesComponent, mutateKubernetesObject } from './kubernetes';
import type { KubeObject } from './kubernetes';
import { Rng } from './random';
import { buildTerraformStack, mutateTerraformState } from './terraform';

/** Size of a synthetic estate. */
export interface EstateScale {
  /** Scanned entities (Components with Kubernetes manifests, Resources with Terraform state). */
  entities: number;
  /** Groups of type `team` (plus the organisation, divisions and tribes above them). */
  teams: number;
  /** Canonical resources (after normalisation: split Terraform resources count once). */
  resources: number;
}

/** The named scales of the benchmarks. */
export const SCALES: Record<'S' | '10S' | 'smoke', EstateScale> = {
  S: { entities: 5_000, teams: 250, resources: 100_000 },
  '10S': { entities: 50_000, teams: 2_500, resources: 1_000_000 },
  smoke: { entities: 40, teams: 6, resources: 800 },
};

/** Options of {@link generateEstate}. */
export interface GenerateOptions extends EstateScale {
  /** Output folder (created; an existing estate there is replaced). */
  out: string;
  seed?: number;
  /** Share of entities that are Terraform stacks (`kind: Resource`). */
  terraformShare?: number;
  /** Share of components whose files are `kubectl get -o json` exports (managedFields, status). */
  exportShare?: number;
  /** Entities per catalog file. */
  entitiesPerFile?: number;
}

/** What was generated, written as `estate.json` next to the files. */
export interface EstateManifest {
  seed: number;
  scale: EstateScale;
  terraformShare: number;
  exportShare: number;
  entitiesPerFile: number;
  groups: number;
  systems: number;
  domains: number;
  components: number;
  terraformStacks: number;
  /** Canonical resources expected after normalisation. */
  resources: number;
  kubernetesObjects: number;
  terraformInstances: number;
  files: number;
  bytes: number;
  catalogFiles: string[];
  generatedInMs: number;
}

/** One scanned entity of the estate, derived from the seed and its index. */
export interface EstateEntity {
  index: number;
  name: string;
  kind: 'Component' | 'Resource';
  team: string;
  system: string;
  /** Path of its file, relative to the estate folder. */
  file: string;
  style: 'manifest' | 'export' | 'terraform';
  resources: number;
  hygiene: number;
}

const FILE_NAMES: Record<EstateEntity['style'], string> = {
  terraform: 'terraform.tfstate.json',
  export: 'kubectl-export.json',
  manifest: 'deploy.yaml',
};

const ADJECTIVES = [
  'payments',
  'ledger',
  'checkout',
  'search',
  'catalog',
  'identity',
  'billing',
  'fraud',
  'shipping',
  'pricing',
  'reporting',
  'messaging',
  'onboarding',
  'inventory',
  'loyalty',
  'risk',
];

/** Team names, their hierarchy and hygiene, derived from the seed. */
export function teamsOf(scale: EstateScale, seed: number) {
  const rng = new Rng(`${seed}:teams`);
  const divisions = Math.max(1, Math.ceil(scale.teams / 32));
  const tribes = Math.max(1, Math.ceil(scale.teams / 6));
  const teams = Array.from({ length: scale.teams }, (_, i) => {
    const tribe = i % tribes;
    return {
      name: `team-${String(i + 1).padStart(4, '0')}`,
      title: `${ADJECTIVES[i % ADJECTIVES.length]} ${i + 1}`,
      tribe: `tribe-${String(tribe + 1).padStart(3, '0')}`,
      division: `division-${String((tribe % divisions) + 1).padStart(2, '0')}`,
      // Most teams are decent, some are careless, a few are excellent.
      hygiene: Math.min(1, Math.max(0, 0.55 + (rng.next() - 0.5) * 0.9)),
    };
  });
  return { divisions, tribes, teams };
}

/** Resource counts per entity: varied, summing exactly to the scale's total. */
function resourceCounts(
  scale: EstateScale,
  terraformShare: number,
  seed: number,
): { kinds: Array<'Component' | 'Resource'>; counts: Int32Array } {
  const rng = new Rng(`${seed}:counts`);
  const n = scale.entities;
  const kinds: Array<'Component' | 'Resource'> = [];
  const stride = terraformShare > 0 ? Math.round(1 / terraformShare) : 0;
  for (let i = 0; i < n; i++) {
    kinds.push(
      stride > 0 && i % stride === stride - 1 ? 'Resource' : 'Component',
    );
  }
  const mean = scale.resources / n;
  const counts = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    // Terraform stacks are somewhat larger than a service's manifests.
    const base = kinds[i] === 'Resource' ? mean * 1.3 : mean * 0.93;
    counts[i] = Math.max(
      kinds[i] === 'Component' ? 6 : 2,
      Math.round(base * (0.5 + rng.next())),
    );
    total += counts[i];
  }
  let diff = scale.resources - total;
  for (let i = 0; diff !== 0; i = (i + 1) % n) {
    const min = kinds[i] === 'Component' ? 6 : 2;
    if (diff > 0) {
      counts[i]++;
      diff--;
    } else if (counts[i] > min) {
      counts[i]--;
      diff++;
    }
  }
  return { kinds, counts };
}

/**
 * Describes every scanned entity of an estate without building any resources
 * (cheap; the same at every call for a seed and scale).
 */
export function describeEntities(
  scale: EstateScale,
  seed: number,
  terraformShare = 0.2,
  exportShare = 0.3,
): EstateEntity[] {
  const { teams } = teamsOf(scale, seed);
  const { kinds, counts } = resourceCounts(scale, terraformShare, seed);
  const rng = new Rng(`${seed}:entities`);
  const out: EstateEntity[] = [];
  for (let i = 0; i < scale.entities; i++) {
    const team = teams[i % teams.length];
    const kind = kinds[i];
    const name =
      kind === 'Component'
        ? `${ADJECTIVES[i % ADJECTIVES.length]}-svc-${String(i + 1).padStart(
            5,
            '0',
          )}`
        : `${ADJECTIVES[i % ADJECTIVES.length]}-stack-${String(i + 1).padStart(
            5,
            '0',
          )}`;
    let style: EstateEntity['style'] = 'terraform';
    if (kind === 'Component') {
      style = rng.chance(exportShare) ? 'export' : 'manifest';
    }
    const file = FILE_NAMES[style];
    out.push({
      index: i,
      name,
      kind,
      team: team.name,
      system: `${team.name}-system-${(i % 2) + 1}`,
      file: `estate/${team.name}/${name}/${file}`,
      style,
      resources: counts[i],
      hygiene: team.hygiene,
    });
  }
  return out;
}

/** The file content of one entity (deterministic: its own generator, forked from the seed). */
export function renderEntityFile(
  e: EstateEntity,
  seed: number,
  mutation?: number,
): { text: string; kubernetesObjects: number; terraformInstances: number } {
  const rng = new Rng(`${seed}:entity:${e.index}`);
  const epoch = Date.UTC(2026, 0, 1) + (e.index % 1000) * 3_600_000;
  if (e.style === 'terraform') {
    const { state, instances } = buildTerraformStack(
      {
        stack: e.name,
        team: e.team,
        hygiene: e.hygiene,
        count: e.resources,
        module: e.index % 2 === 0 ? e.name.replace(/-/g, '_') : undefined,
        region: rng.pick(['eu-west-1', 'us-east-1', 'eu-central-1']),
      },
      rng,
    );
    if (mutation !== undefined) mutateTerraformState(state, new Rng(mutation));
    return {
      text: `${JSON.stringify(state, null, 2)}\n`,
      kubernetesObjects: 0,
      terraformInstances: instances,
    };
  }
  const objects = buildKubernetesComponent(
    {
      component: e.name,
      namespace: e.name,
      team: e.team,
      system: e.system,
      hygiene: e.hygiene,
      count: e.resources,
      style: e.style,
      epoch,
    },
    rng,
  );
  if (mutation !== undefined) {
    const m = new Rng(mutation);
    for (const o of objects) mutateKubernetesObject(o, m);
  }
  if (e.style === 'export') {
    return {
      text: `${JSON.stringify(
        {
          apiVersion: 'v1',
          kind: 'List',
          metadata: { resourceVersion: '' },
          items: objects,
        },
        null,
        4,
      )}\n`,
      kubernetesObjects: objects.length,
      terraformInstances: 0,
    };
  }
  return {
    text: objects.map(toYaml).join(''),
    kubernetesObjects: objects.length,
    terraformInstances: 0,
  };
}

function toYaml(o: KubeObject): string {
  return `---\n${dump(o, { noRefs: true, lineWidth: -1, skipInvalid: true })}`;
}

function catalogEntity(e: EstateEntity, catalogFile: string): object {
  const rel = path.posix.relative(path.posix.dirname(catalogFile), e.file);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: e.kind,
    metadata: {
      name: e.name,
      title: e.name.replace(/-/g, ' '),
      description: `${
        e.kind === 'Component' ? 'Service' : 'Infrastructure stack'
      } ${e.name} of ${e.team}.`,
      annotations: {
        'security-posture.backstage.io/manifests': rel,
        ...(e.kind === 'Component'
          ? {
              'backstage.io/kubernetes-id': e.name,
              'backstage.io/kubernetes-namespace': e.name,
            }
          : {}),
      },
      tags: [e.kind === 'Component' ? 'kubernetes' : 'terraform'],
    },
    spec: {
      type: e.kind === 'Component' ? 'service' : 'aws-stack',
      lifecycle: e.index % 7 === 0 ? 'experimental' : 'production',
      owner: `group:default/${e.team}`,
      system: e.system,
    },
  };
}

/** The organisation: groups (with parents), domains and systems, as catalog entities. */
export function organisationEntities(
  scale: EstateScale,
  seed: number,
): object[] {
  const { divisions, tribes, teams } = teamsOf(scale, seed);
  const group = (
    name: string,
    type: string,
    parent?: string,
    title?: string,
  ) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, title: title ?? name },
    spec: { type, ...(parent ? { parent } : {}), children: [] },
  });
  const out: object[] = [group('acme', 'organization', undefined, 'Acme')];
  for (let d = 0; d < divisions; d++) {
    const name = `division-${String(d + 1).padStart(2, '0')}`;
    out.push(group(name, 'division', 'acme'));
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: `domain-${String(d + 1).padStart(2, '0')}` },
      spec: { owner: `group:default/${name}` },
    });
  }
  for (let t = 0; t < tribes; t++) {
    out.push(
      group(
        `tribe-${String(t + 1).padStart(3, '0')}`,
        'tribe',
        `division-${String((t % divisions) + 1).padStart(2, '0')}`,
      ),
    );
  }
  for (const team of teams) {
    out.push(group(team.name, 'team', team.tribe, team.title));
    for (let s = 1; s <= 2; s++) {
      out.push({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: { name: `${team.name}-system-${s}` },
        spec: {
          owner: `group:default/${team.name}`,
          domain: `domain-${team.division.slice('division-'.length)}`,
        },
      });
    }
  }
  return out;
}

/**
 * Writes an estate: one file per entity under `estate/<team>/<entity>/`, catalog
 * files under `catalog/` (organisation, then the entities in chunks) annotated
 * like the demo, and `estate.json`. Entities are generated and written one at a
 * time, so memory stays flat at any scale.
 */
export async function generateEstate(
  options: GenerateOptions,
): Promise<EstateManifest> {
  const started = Date.now();
  const seed = options.seed ?? 42;
  const terraformShare = options.terraformShare ?? 0.2;
  const exportShare = options.exportShare ?? 0.3;
  const perFile = options.entitiesPerFile ?? 1000;
  const scale: EstateScale = {
    entities: options.entities,
    teams: options.teams,
    resources: options.resources,
  };
  await fs.rm(options.out, { recursive: true, force: true });
  await fs.mkdir(path.join(options.out, 'catalog'), { recursive: true });

  const org = organisationEntities(scale, seed);
  const catalogFiles = ['catalog/org.yaml'];
  let bytes = 0;
  let files = 0;
  const orgText = org.map(toYaml).join('');
  await fs.writeFile(path.join(options.out, catalogFiles[0]), orgText);
  bytes += orgText.length;
  files++;

  const entities = describeEntities(scale, seed, terraformShare, exportShare);
  let kubernetesObjects = 0;
  let terraformInstances = 0;
  let chunk: string[] = [];
  const madeDirs = new Set<string>();
  const flush = async () => {
    if (chunk.length === 0) return;
    const name = `catalog/entities-${String(catalogFiles.length).padStart(
      4,
      '0',
    )}.yaml`;
    catalogFiles.push(name);
    const text = chunk.join('');
    await fs.writeFile(path.join(options.out, name), text);
    bytes += text.length;
    files++;
    chunk = [];
  };
  for (const e of entities) {
    const rendered = renderEntityFile(e, seed);
    kubernetesObjects += rendered.kubernetesObjects;
    terraformInstances += rendered.terraformInstances;
    const file = path.join(options.out, e.file);
    const dir = path.dirname(file);
    if (!madeDirs.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      madeDirs.add(dir);
    }
    await fs.writeFile(file, rendered.text);
    bytes += Buffer.byteLength(rendered.text);
    files++;
    const catalogFile = `catalog/entities-${String(
      catalogFiles.length,
    ).padStart(4, '0')}.yaml`;
    chunk.push(toYaml(catalogEntity(e, catalogFile)));
    if (chunk.length >= perFile) await flush();
  }
  await flush();

  const manifest: EstateManifest = {
    seed,
    scale,
    terraformShare,
    exportShare,
    entitiesPerFile: perFile,
    groups: org.filter(o => (o as { kind: string }).kind === 'Group').length,
    systems: org.filter(o => (o as { kind: string }).kind === 'System').length,
    domains: org.filter(o => (o as { kind: string }).kind === 'Domain').length,
    components: entities.filter(e => e.kind === 'Component').length,
    terraformStacks: entities.filter(e => e.kind === 'Resource').length,
    resources: scale.resources,
    kubernetesObjects,
    terraformInstances,
    files,
    bytes,
    catalogFiles,
    generatedInMs: Date.now() - started,
  };
  await fs.writeFile(
    path.join(options.out, 'estate.json'),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  return manifest;
}

/** Reads `estate.json` of a generated estate. */
export async function readEstateManifest(dir: string): Promise<EstateManifest> {
  return JSON.parse(await fs.readFile(path.join(dir, 'estate.json'), 'utf8'));
}

/**
 * Changes `fraction` of the resources the way deploys do — whole entities at a
 * time (new image tags and a release label on every object, a new tag on every
 * Terraform resource), entities picked in a seeded order — and returns what
 * changed. {@link restoreEstate} writes the original files back.
 */
export async function mutateEstate(
  dir: string,
  fraction: number,
  mutationSeed = 7,
): Promise<{ entities: EstateEntity[]; resources: number }> {
  const m = await readEstateManifest(dir);
  const all = describeEntities(
    m.scale,
    m.seed,
    m.terraformShare,
    m.exportShare,
  );
  const rng = new Rng(`${m.seed}:mutation:${mutationSeed}`);
  const order = all.map(e => e.index);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const goal = Math.round(m.scale.resources * fraction);
  const changed: EstateEntity[] = [];
  let resources = 0;
  for (const index of order) {
    if (resources >= goal) break;
    const e = all[index];
    const rendered = renderEntityFile(
      e,
      m.seed,
      mutationSeed * 1_000_003 + index,
    );
    await fs.writeFile(path.join(dir, e.file), rendered.text);
    changed.push(e);
    resources += e.resources;
  }
  return { entities: changed, resources };
}

/** Writes the original files of the given entities back (undoes {@link mutateEstate}). */
export async function restoreEstate(
  dir: string,
  entities: readonly EstateEntity[],
): Promise<void> {
  const m = await readEstateManifest(dir);
  for (const e of entities) {
    await fs.writeFile(
      path.join(dir, e.file),
      renderEntityFile(e, m.seed).text,
    );
  }
}
