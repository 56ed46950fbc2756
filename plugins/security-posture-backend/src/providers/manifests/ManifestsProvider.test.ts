import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { NotModifiedError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestsProviderConfig } from '../../config';
import { ALL_CANONICAL_TYPES, engineNormalizers } from '../../engineAdapter';
import { ManifestsResourceProvider } from './ManifestsProvider';
import { addressMatchesPrefix } from './targets';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: example.com/api:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  ports:
    - port: 80
`;

const PLAN = JSON.stringify({
  format_version: '1.2',
  terraform_version: '1.9.0',
  planned_values: {
    root_module: {
      resources: [
        {
          address: 'aws_s3_bucket.mine',
          mode: 'managed',
          type: 'aws_s3_bucket',
          name: 'mine',
          values: { bucket: 'shop-mine' },
        },
        {
          address: 'aws_s3_bucket.theirs',
          mode: 'managed',
          type: 'aws_s3_bucket',
          name: 'theirs',
          values: { bucket: 'shop-theirs' },
        },
      ],
    },
  },
});

describe('ManifestsResourceProvider', () => {
  let root: string;
  let outside: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(join(tmpdir(), 'sp-manifests-'));
    outside = await fs.mkdtemp(join(tmpdir(), 'sp-outside-'));
    await fs.mkdir(join(root, 'catalog/deploy/nested'), { recursive: true });
    await fs.writeFile(join(root, 'catalog/deploy/app.yaml'), DEPLOYMENT);
    await fs.writeFile(join(root, 'catalog/deploy/README.md'), '# not scanned');
    await fs.writeFile(
      join(root, 'catalog/deploy/nested/sa.yml'),
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: shop\n',
    );
    await fs.writeFile(join(root, 'catalog/plan.json'), PLAN);
    await fs.writeFile(join(root, 'catalog/broken.yaml'), 'kind: [unclosed\n');
    await fs.writeFile(join(outside, 'secret.yaml'), DEPLOYMENT);
    await fs.symlink(
      join(outside, 'secret.yaml'),
      join(root, 'catalog/deploy/escape.yaml'),
    );
  });

  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
  });

  function provider(
    overrides: Partial<ManifestsProviderConfig> = {},
    urlReader = mockServices.urlReader.mock(),
  ) {
    return new ManifestsResourceProvider({
      urlReader,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      logger: mockServices.logger.mock(),
      config: {
        enabled: true,
        localRoots: [root],
        maxFileBytes: 1024 * 1024,
        maxFiles: 50,
        maxTotalBytes: 10 * 1024 * 1024,
        readTimeoutMs: 60_000,
        readCacheEntries: 1000,
        ...overrides,
      },
      normalizers: engineNormalizers,
      resourceTypes: ALL_CANONICAL_TYPES,
    });
  }

  function entity(
    annotations: Record<string, string>,
    location = `file:${root}/catalog/entities.yaml`,
  ): Entity {
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'shop-api',
        annotations: {
          'backstage.io/managed-by-location': location,
          ...annotations,
        },
      },
    };
  }

  const context = () => ({
    signal: new AbortController().signal,
    logger: mockServices.logger.mock(),
    now: new Date(),
  });

  it('applies only to entities with the manifests annotation', () => {
    const p = provider();
    expect(p.appliesTo(entity({}))).toBe(false);
    expect(
      p.appliesTo(entity({ 'security-posture.backstage.io/manifests': ' , ' })),
    ).toBe(false);
    expect(
      p.appliesTo(
        entity({ 'security-posture.backstage.io/manifests': 'x.yaml' }),
      ),
    ).toBe(true);
  });

  it('reads files and directories relative to the catalog file, filtered by Terraform addresses', async () => {
    const result = await provider().getEntityResources(
      entity({
        'security-posture.backstage.io/manifests': 'deploy/, plan.json',
        'security-posture.backstage.io/terraform-addresses':
          'aws_s3_bucket.mine',
      }),
      context(),
    );
    // The symlink pointing outside the root was not followed: the result is
    // incomplete (the entity says why), the other files are read.
    expect(result?.incomplete).toBe(
      'deploy/escape.yaml: a symbolic link to a file outside the directories local manifests may be read from, not read',
    );
    expect(
      result!.resources.map(r => [r.kind, r.name, r.source.file]).sort(),
    ).toEqual([
      ['Deployment', 'api', 'deploy/app.yaml'],
      ['Service', 'api', 'deploy/app.yaml'],
      ['ServiceAccount', 'api', 'deploy/nested/sa.yml'],
      ['aws_s3_bucket', 'shop-mine', 'plan.json'],
    ]);
    expect(result!.unclaimed?.map(r => r.address)).toEqual([
      'aws_s3_bucket.theirs',
    ]);
    // Uids carry the file, so two plans with the same addresses stay apart.
    expect(result!.resources.find(r => r.kind === 'aws_s3_bucket')?.uid).toBe(
      'tf:catalog/plan.json/aws_s3_bucket.mine',
    );
  });

  it.each([
    ['../../outside/secret.yaml', 'outside the directories'],
    ['file:///etc/passwd', 'only http(s) URLs or paths relative'],
    ['missing.yaml', 'no such file or directory'],
    ['broken.yaml', 'broken.yaml'],
  ])('marks the result incomplete for %s', async (target, message) => {
    const result = await provider().getEntityResources(
      entity({ 'security-posture.backstage.io/manifests': target }),
      context(),
    );
    expect(result?.incomplete).toContain(message);
    expect(result?.resources).toEqual([]);
  });

  it('does not tell whether a file outside the roots exists', async () => {
    const exists = await provider().getEntityResources(
      entity({
        'security-posture.backstage.io/manifests': join(outside, 'secret.yaml'),
      }),
      context(),
    );
    const missing = await provider().getEntityResources(
      entity({
        'security-posture.backstage.io/manifests': join(outside, 'nope.yaml'),
      }),
      context(),
    );
    expect(exists?.incomplete).toContain('outside the directories');
    expect(exists?.incomplete?.replace('secret', 'nope')).toBe(
      missing?.incomplete,
    );
  });

  it('refuses paths that escape the local roots', async () => {
    const rel = join('..', '..', outside.split('/').pop()!, 'secret.yaml');
    const result = await provider().getEntityResources(
      entity(
        { 'security-posture.backstage.io/manifests': `../${rel}` },
        `file:${root}/catalog/entities.yaml`,
      ),
      context(),
    );
    expect(result?.incomplete).toMatch(/outside the directories|no such file/);
    const absolute = await provider().getEntityResources(
      entity({
        'security-posture.backstage.io/manifests': join(outside, 'secret.yaml'),
      }),
      context(),
    );
    expect(absolute?.incomplete).toContain('outside the directories');
    expect(absolute?.resources).toEqual([]);
  });

  it('does not read local files without configured roots, and enforces limits', async () => {
    const disabled = await provider({ localRoots: [] }).getEntityResources(
      entity({ 'security-posture.backstage.io/manifests': 'deploy/' }),
      context(),
    );
    expect(disabled?.incomplete).toContain('reading local files is disabled');
    const few = await provider({ maxFiles: 1 }).getEntityResources(
      entity({ 'security-posture.backstage.io/manifests': 'deploy/' }),
      context(),
    );
    expect(few?.incomplete).toContain('file or byte limit');
    const small = await provider({ maxFileBytes: 100 }).getEntityResources(
      entity({ 'security-posture.backstage.io/manifests': 'deploy/app.yaml' }),
      context(),
    );
    expect(small?.incomplete).toContain('larger than the 100 byte limit');
  });

  it('reads files and trees through the UrlReader for url: locations', async () => {
    const urlReader = mockServices.urlReader.mock({
      readUrl: jest.fn(async () => ({
        buffer: async () => Buffer.from(DEPLOYMENT),
      })) as any,
      readTree: jest.fn(async () => ({
        files: async () => [
          {
            path: 'sa.yml',
            content: async () =>
              Buffer.from(
                'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n',
              ),
          },
        ],
        archive: jest.fn(),
        dir: jest.fn(),
        etag: 'e1',
      })) as any,
    });
    const result = await provider({}, urlReader).getEntityResources(
      entity(
        {
          'security-posture.backstage.io/manifests':
            'deploy/app.yaml, deploy/rbac',
        },
        'url:https://github.com/acme/shop/blob/main/catalog-info.yaml',
      ),
      context(),
    );
    expect(urlReader.readUrl).toHaveBeenCalledWith(
      expect.stringMatching(
        /^https:\/\/github\.com\/acme\/shop\/(blob|tree)\/main\/deploy\/app\.yaml$/,
      ),
      expect.anything(),
    );
    expect(urlReader.readTree).toHaveBeenCalledWith(
      expect.stringMatching(
        /^https:\/\/github\.com\/acme\/shop\/(blob|tree)\/main\/deploy\/rbac$/,
      ),
      expect.objectContaining({ filter: expect.any(Function) }),
    );
    expect(result?.incomplete).toBeUndefined();
    expect(result!.resources.map(r => r.kind).sort()).toEqual([
      'Deployment',
      'Service',
      'ServiceAccount',
    ]);
  });

  it('never fetches loopback, link-local or private addresses, and reports reader errors', async () => {
    const urlReader = mockServices.urlReader.mock({
      readUrl: jest.fn(async () => {
        throw new Error(
          "Reading from 'https://evil.example.com/x.yaml' is not allowed",
        );
      }) as any,
    });
    const result = await provider({}, urlReader).getEntityResources(
      entity({
        'security-posture.backstage.io/manifests':
          'http://169.254.169.254/latest/meta-data.yaml, http://localhost:8080/a.yaml, http://[::1]/b.yaml, https://evil.example.com/x.yaml',
      }),
      context(),
    );
    expect(urlReader.readUrl).toHaveBeenCalledTimes(1);
    expect(result?.incomplete).toContain('169.254.169.254');
    expect(result?.incomplete).toContain('localhost');
    expect(result?.incomplete).toContain('not allowed');
  });

  it('matches Terraform address prefixes on address boundaries', () => {
    expect(
      addressMatchesPrefix('module.app.aws_s3_bucket.x', 'module.app'),
    ).toBe(true);
    expect(
      addressMatchesPrefix('aws_s3_bucket.logs[0]', 'aws_s3_bucket.logs'),
    ).toBe(true);
    expect(
      addressMatchesPrefix('aws_s3_bucket.logs', 'aws_s3_bucket.logs'),
    ).toBe(true);
    expect(addressMatchesPrefix('module.application.x', 'module.app')).toBe(
      false,
    );
    expect(
      addressMatchesPrefix('aws_s3_bucket.logs_old', 'aws_s3_bucket.logs'),
    ).toBe(false);
  });

  describe('remembering unchanged reads by etag', () => {
    /**
     * A UrlReader double that behaves like Backstage's: every answer carries
     * the etag of the current content, and a read with that etag throws
     * NotModifiedError without reading anything.
     */
    function repository() {
      const state = {
        etag: 'v1',
        files: new Map<string, string>([
          [
            'deploy/app.yaml',
            'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: one\n',
          ],
          ['deploy/plan.json', PLAN],
        ]),
      };
      const contentReads: string[] = [];
      const urlReader = mockServices.urlReader.mock({
        readUrl: jest.fn(async (url: string, options?: { etag?: string }) => {
          if (options?.etag === state.etag) throw new NotModifiedError();
          const path = url.replace(/^.*\/main\//, '');
          return {
            etag: state.etag,
            buffer: async () => {
              contentReads.push(path);
              return Buffer.from(state.files.get(path) ?? '');
            },
          };
        }) as any,
        readTree: jest.fn(
          async (
            url: string,
            options?: {
              etag?: string;
              filter?: (path: string, info?: { size: number }) => boolean;
            },
          ) => {
            if (options?.etag === state.etag) throw new NotModifiedError();
            const dir = `${url
              .replace(/^.*\/main\//, '')
              .replace(/\/+$/, '')}/`;
            const files = [...state.files]
              .filter(([path]) => path.startsWith(dir))
              .map(([path, content]) => ({
                path: path.slice(dir.length),
                content: async () => {
                  contentReads.push(path);
                  return Buffer.from(content);
                },
              }))
              .filter(f => options?.filter?.(f.path) ?? true);
            return {
              etag: state.etag,
              files: async () => files,
              archive: jest.fn(),
              dir: jest.fn(),
            };
          },
        ) as any,
      });
      return { state, contentReads, urlReader };
    }

    const repoEntity = (manifests: string) =>
      entity(
        { 'security-posture.backstage.io/manifests': manifests },
        'url:https://github.com/acme/shop/blob/main/catalog-info.yaml',
      );
    const summary = (result: Awaited<ReturnType<typeof scanOnce>>) => ({
      resources: result!.resources.map(r => [r.uid, r.kind, r.name]).sort(),
      unclaimed: result!.unclaimed ?? [],
      incomplete: result!.incomplete,
      warnings: result!.warnings,
    });
    const scanOnce = (p: ManifestsResourceProvider, manifests: string) =>
      p.getEntityResources(repoEntity(manifests), context());

    it('does not read an unchanged tree again, and reads a changed one', async () => {
      const { state, contentReads, urlReader } = repository();
      const p = provider({}, urlReader);

      const first = await scanOnce(p, 'deploy/');
      expect(contentReads.sort()).toEqual([
        'deploy/app.yaml',
        'deploy/plan.json',
      ]);
      expect(urlReader.readTree).toHaveBeenLastCalledWith(
        expect.any(String),
        expect.not.objectContaining({ etag: expect.anything() }),
      );

      contentReads.length = 0;
      const second = await scanOnce(p, 'deploy/');
      // The etag of the first read went with the second, the reader said
      // NotModified, and no file was read: the same resources came back.
      expect(urlReader.readTree).toHaveBeenLastCalledWith(
        expect.any(String),
        expect.objectContaining({ etag: 'v1' }),
      );
      await expect(
        (urlReader.readTree as jest.Mock).mock.results[1].value,
      ).rejects.toThrow(NotModifiedError);
      expect(contentReads).toEqual([]);
      expect(summary(second)).toEqual(summary(first));
      expect(second!.resources.map(r => r.kind).sort()).toEqual([
        'ServiceAccount',
        'aws_s3_bucket',
        'aws_s3_bucket',
      ]);

      // A commit changes the tree: a new etag, everything is read again.
      state.etag = 'v2';
      state.files.set(
        'deploy/app.yaml',
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: two\n',
      );
      const third = await scanOnce(p, 'deploy/');
      expect(urlReader.readTree).toHaveBeenLastCalledWith(
        expect.any(String),
        expect.objectContaining({ etag: 'v1' }),
      );
      expect(contentReads.sort()).toEqual([
        'deploy/app.yaml',
        'deploy/plan.json',
      ]);
      expect(
        third!.resources.find(r => r.kind === 'ServiceAccount')?.name,
      ).toBe('two');

      // …and the new etag is the one remembered.
      contentReads.length = 0;
      const fourth = await scanOnce(p, 'deploy/');
      expect(urlReader.readTree).toHaveBeenLastCalledWith(
        expect.any(String),
        expect.objectContaining({ etag: 'v2' }),
      );
      expect(contentReads).toEqual([]);
      expect(summary(fourth)).toEqual(summary(third));
    });

    it('does not read an unchanged single file again', async () => {
      const { state, contentReads, urlReader } = repository();
      const p = provider({}, urlReader);
      const first = await scanOnce(p, 'deploy/app.yaml');
      const second = await scanOnce(p, 'deploy/app.yaml');
      expect(urlReader.readUrl).toHaveBeenCalledTimes(2);
      expect(urlReader.readUrl).toHaveBeenLastCalledWith(
        expect.stringMatching(/deploy\/app\.yaml$/),
        expect.objectContaining({ etag: 'v1' }),
      );
      expect(contentReads).toEqual(['deploy/app.yaml']);
      expect(summary(second)).toEqual(summary(first));
      expect(second!.resources.map(r => r.name)).toEqual(['one']);

      state.etag = 'v2';
      state.files.set(
        'deploy/app.yaml',
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: two\n',
      );
      const third = await scanOnce(p, 'deploy/app.yaml');
      expect(contentReads).toEqual(['deploy/app.yaml', 'deploy/app.yaml']);
      expect(third!.resources.map(r => r.name)).toEqual(['two']);
    });

    it('keeps the limits for remembered reads, and remembers no failed or cut-short read', async () => {
      const { contentReads, urlReader } = repository();
      // A budget of one file: the tree is cut short, so it is not remembered
      // and the next scan reads it again without an etag.
      const small = provider({ maxFiles: 1 }, urlReader);
      const cut = await scanOnce(small, 'deploy/');
      expect(cut?.incomplete).toContain('more than 1 files');
      await scanOnce(small, 'deploy/');
      expect(urlReader.readTree).toHaveBeenLastCalledWith(
        expect.any(String),
        expect.not.objectContaining({ etag: expect.anything() }),
      );
      expect(contentReads).toHaveLength(2);

      // A read that fails is not remembered either.
      (urlReader.readTree as jest.Mock).mockRejectedValueOnce(
        new Error('connection reset'),
      );
      const p = provider({}, urlReader);
      const failed = await scanOnce(p, 'deploy/');
      expect(failed?.incomplete).toContain('connection reset');
      const fresh = await scanOnce(p, 'deploy/');
      expect(fresh?.incomplete).toBeUndefined();
      expect(urlReader.readTree).toHaveBeenLastCalledWith(
        expect.any(String),
        expect.not.objectContaining({ etag: expect.anything() }),
      );

      // A remembered tree still counts against the budget of the entity:
      // the file listed first alongside it uses the one file allowed.
      const one = provider({ maxFiles: 2 }, urlReader);
      await scanOnce(one, 'deploy/');
      const replayed = await scanOnce(one, 'deploy/app.yaml, deploy/');
      expect(urlReader.readTree).toHaveBeenLastCalledWith(
        expect.any(String),
        expect.objectContaining({ etag: 'v1' }),
      );
      expect(replayed?.incomplete).toContain('more than 2 files');
      expect(replayed!.resources).toHaveLength(2);

      // A reader error other than NotModified is reported, not replaced by
      // the remembered result.
      (urlReader.readTree as jest.Mock).mockRejectedValueOnce(
        new Error("Reading from 'x' is not allowed"),
      );
      const refused = await scanOnce(p, 'deploy/');
      expect(refused?.incomplete).toContain('not allowed');
      expect(refused!.resources).toEqual([]);
    });

    it('forgets the least recently used read beyond its size', async () => {
      const { contentReads, urlReader } = repository();
      const p = new ManifestsResourceProvider({
        urlReader,
        integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
        logger: mockServices.logger.mock(),
        config: {
          enabled: true,
          localRoots: [],
          maxFileBytes: 1024 * 1024,
          maxFiles: 50,
          maxTotalBytes: 10 * 1024 * 1024,
          readTimeoutMs: 60_000,
          readCacheEntries: 1,
        },
        normalizers: engineNormalizers,
        resourceTypes: ALL_CANONICAL_TYPES,
      });
      await scanOnce(p, 'deploy/app.yaml');
      await scanOnce(p, 'deploy/plan.json');
      await scanOnce(p, 'deploy/plan.json');
      expect(contentReads).toEqual(['deploy/app.yaml', 'deploy/plan.json']);
      await scanOnce(p, 'deploy/app.yaml');
      expect(contentReads).toEqual([
        'deploy/app.yaml',
        'deploy/plan.json',
        'deploy/app.yaml',
      ]);
    });
  });
});
