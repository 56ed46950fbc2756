import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BUILTIN_CHECKS,
  createPostureEngine,
  defaultNormalizers,
  scanPaths,
  type Resource,
} from '@internal/security-posture-engine';
import { loadAll } from 'js-yaml';
import {
  describeEntities,
  generateEstate,
  mutateEstate,
  restoreEstate,
} from './generate';

const SCALE = { entities: 30, teams: 4, resources: 600 };

jest.setTimeout(60_000);

describe('generateEstate', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sp-bench-test-'));
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function readAll(root: string) {
    const resources: Resource[] = [];
    const errors: string[] = [];
    for await (const f of scanPaths([path.join(root, 'estate')], {
      normalizers: defaultNormalizers,
    })) {
      resources.push(...f.resources);
      errors.push(...f.errors.map(e => `${f.file}: ${e.message}`));
    }
    return { resources, errors };
  }

  it('writes exactly the requested number of canonical resources, readable by the engine', async () => {
    const out = path.join(dir, 'a');
    const manifest = await generateEstate({ ...SCALE, out, seed: 1 });
    const { resources, errors } = await readAll(out);
    expect(errors).toEqual([]);
    expect(resources).toHaveLength(600);
    expect(manifest.resources).toBe(600);
    // Kubernetes and Terraform resources, split Terraform resources joined.
    const types = new Set(resources.map(r => r.type));
    expect([...types]).toEqual(
      expect.arrayContaining([
        'k8s.workload',
        'k8s.namespace',
        'k8s.service',
        'aws.s3.bucket',
        'aws.rds.instance',
      ]),
    );
    expect(manifest.terraformInstances).toBeGreaterThan(
      resources.filter(r => r.type.startsWith('aws.')).length,
    );
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const a = path.join(dir, 'seed-1');
    const b = path.join(dir, 'seed-1-again');
    const c = path.join(dir, 'seed-2');
    await generateEstate({ ...SCALE, out: a, seed: 1 });
    await generateEstate({ ...SCALE, out: b, seed: 1 });
    await generateEstate({ ...SCALE, out: c, seed: 2 });
    const file = describeEntities(SCALE, 1)[0].file;
    const [ta, tb] = await Promise.all([
      fs.readFile(path.join(a, file), 'utf8'),
      fs.readFile(path.join(b, file), 'utf8'),
    ]);
    expect(ta).toBe(tb);
    const fileC = describeEntities(SCALE, 2)[0].file;
    expect(await fs.readFile(path.join(c, fileC), 'utf8')).not.toBe(ta);
  });

  it('annotates catalog entities with manifests relative to their catalog file, owned by teams in a hierarchy', async () => {
    const out = path.join(dir, 'catalog');
    const manifest = await generateEstate({ ...SCALE, out, seed: 3 });
    const docs: any[] = [];
    for (const f of manifest.catalogFiles) {
      docs.push(
        ...(loadAll(await fs.readFile(path.join(out, f), 'utf8')) as any[]),
      );
    }
    const scanned = docs.filter(
      d => d.kind === 'Component' || d.kind === 'Resource',
    );
    expect(scanned).toHaveLength(30);
    const groups = new Map(
      docs.filter(d => d.kind === 'Group').map(g => [g.metadata.name, g]),
    );
    for (const e of scanned) {
      const rel =
        e.metadata.annotations['security-posture.backstage.io/manifests'];
      const catalogFile = manifest.catalogFiles.find(
        f => f !== 'catalog/org.yaml',
      )!;
      await expect(
        fs.stat(path.resolve(out, path.dirname(catalogFile), rel)),
      ).resolves.toBeTruthy();
      // owner → team → tribe → division → organisation
      let group = groups.get(e.spec.owner.replace('group:default/', ''));
      const chain: string[] = [];
      while (group) {
        chain.push(group.spec.type);
        group = groups.get(group.spec.parent);
      }
      expect(chain).toEqual(['team', 'tribe', 'division', 'organization']);
    }
  });

  it('has a mix of misconfigurations: some checks fail, most pass', async () => {
    const out = path.join(dir, 'mix');
    await generateEstate({
      entities: 60,
      teams: 6,
      resources: 1500,
      out,
      seed: 4,
    });
    const { resources } = await readAll(out);
    const engine = createPostureEngine({ checks: BUILTIN_CHECKS });
    const assessment = engine.assess(resources);
    const failing = new Set(
      assessment.findings.filter(f => f.status === 'fail').map(f => f.checkId),
    );
    expect(failing.size).toBeGreaterThan(15);
    expect(assessment.findings.length).toBeLessThan(assessment.evaluations / 4);
  });

  it('mutates a share of the resources and restores them', async () => {
    const out = path.join(dir, 'mutate');
    await generateEstate({ ...SCALE, out, seed: 5 });
    const before = await readAll(out);
    const changed = await mutateEstate(out, 0.05);
    expect(changed.resources).toBeGreaterThanOrEqual(30);
    expect(changed.resources).toBeLessThan(600 * 0.2);
    const after = await readAll(out);
    expect(after.resources).toHaveLength(600);
    const text = (rs: Resource[]) =>
      rs.map(r => JSON.stringify([r.raw, r.attributes, r.tags, r.labels]));
    const was = text(before.resources);
    const diff = text(after.resources).filter((t, i) => t !== was[i]).length;
    expect(diff).toBe(changed.resources);
    await restoreEstate(out, changed.entities);
    expect(text((await readAll(out)).resources)).toEqual(was);
  });
});
