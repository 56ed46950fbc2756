import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { JsonObject } from '@backstage/types';
import type { ResourceProviderContext } from '@internal/backstage-plugin-security-posture-node';
import { setupServer } from 'msw/node';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGitHub } from './__testUtils__/fakeGitHub';
import { readSarifProviderConfig } from './config';
import type { SarifFindingAttributes } from './findings';
import { SarifResourceProvider } from './SarifResourceProvider';

const server = setupServer();
registerMswTestHooks(server);

const fixture = (name: string) =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

const appConfig = (sarif: JsonObject = {}) =>
  new ConfigReader({
    integrations: {
      github: [{ host: 'github.com', token: 'gh-token' }],
    },
    securityPosture: { providers: { sarif } },
  });

function provider(sarif: JsonObject = {}) {
  const config = appConfig(sarif);
  return new SarifResourceProvider({
    urlReader: UrlReaders.default({
      config,
      logger: mockServices.logger.mock(),
    }),
    integrations: ScmIntegrations.fromConfig(config),
    logger: mockServices.logger.mock(),
    config: readSarifProviderConfig(config),
  });
}

const ctx = (now = '2026-11-28T10:00:00Z'): ResourceProviderContext => ({
  signal: new AbortController().signal,
  logger: mockServices.logger.mock(),
  now: new Date(now),
});

const entity = (sarif: string, location: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    annotations: {
      'security-posture.backstage.io/sarif': sarif,
      'backstage.io/managed-by-location': location,
    },
  },
  spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
});

const GITHUB_LOCATION =
  'url:https://github.com/acme/payments-api/blob/main/catalog-info.yaml';

describe('SarifResourceProvider', () => {
  it('reads SARIF files next to the catalog file through the GitHub integration, re-reading only changed files', async () => {
    const github = new FakeGitHub('acme', 'payments-api', 'gh-token')
      .put('reports/tfsec.sarif', fixture('tfsec.sarif'))
      .put('reports/trivy.sarif', fixture('trivy.sarif'));
    server.use(...github.handlers());
    const sarif = provider();
    const target = entity(
      './reports/tfsec.sarif, ./reports/trivy.sarif',
      GITHUB_LOCATION,
    );
    expect(sarif.appliesTo(target)).toBe(true);

    const first = await sarif.getEntityResources(target, ctx());
    expect(first?.incomplete).toBeUndefined();
    const uids = first!.resources.map(r => r.uid);
    expect(uids).toContain(
      'sarif:tfsec/aws-s3-enable-bucket-encryption@terraform/s3.tf',
    );
    expect(uids).toContain('sarif:trivy/AVD-AWS-0107@terraform/sg.tf');
    expect(first!.resources).toHaveLength(12);
    const contents = github.requests.filter(r => r.url.includes('/contents/'));
    expect(contents.map(r => [new URL(r.url).pathname, r.status])).toEqual([
      ['/repos/acme/payments-api/contents/reports/tfsec.sarif', 200],
      ['/repos/acme/payments-api/contents/reports/trivy.sarif', 200],
    ]);

    // Unchanged files answer 304 to the ETag; the parsed results are reused.
    github.put(
      'reports/trivy.sarif',
      fixture('trivy.sarif').replace('"startLine": 9', '"startLine": 10'),
    );
    const second = await sarif.getEntityResources(target, ctx());
    const again = github.requests
      .filter(r => r.url.includes('/contents/'))
      .slice(2);
    expect(
      again.map(r => [new URL(r.url).pathname, r.status, !!r.ifNoneMatch]),
    ).toEqual([
      ['/repos/acme/payments-api/contents/reports/tfsec.sarif', 304, true],
      ['/repos/acme/payments-api/contents/reports/trivy.sarif', 200, true],
    ]);
    expect(second!.resources.map(r => r.uid).sort()).toEqual([...uids].sort());
    const sg = second!.resources.find(
      r => r.uid === 'sarif:trivy/AVD-AWS-0107@terraform/sg.tf',
    )!.attributes as SarifFindingAttributes;
    expect(sg.locations).toEqual([
      { uri: 'terraform/sg.tf', startLine: 10, endLine: 9 },
    ]);
  });

  it('reads a directory as a tree and skips the download while the commit is unchanged', async () => {
    const github = new FakeGitHub('acme', 'payments-api', 'gh-token')
      .put('reports/checkov.sarif', fixture('checkov.sarif'))
      .put('reports/nested/tfsec.sarif.json', fixture('tfsec.sarif'))
      .put('reports/README.md', '# not SARIF');
    server.use(...github.handlers());
    const sarif = provider();
    const target = entity('./reports/', GITHUB_LOCATION);

    const first = await sarif.getEntityResources(target, ctx());
    expect(first?.incomplete).toBeUndefined();
    expect(new Set(first!.resources.map(r => r.source.file))).toEqual(
      new Set(['./reports/checkov.sarif', './reports/nested/tfsec.sarif.json']),
    );
    expect(first!.warnings).toEqual([
      '1 SARIF result(s) match no control and were not imported: Checkov CKV_K8S_21 (add rules to securityPosture.providers.sarif.mapping)',
    ]);

    const second = await sarif.getEntityResources(target, ctx());
    expect(second!.resources.map(r => r.uid)).toEqual(
      first!.resources.map(r => r.uid),
    );
    const tarballs = github.requests.filter(r => r.url.includes('/tarball/'));
    expect(tarballs).toHaveLength(1);
    expect(github.requests.filter(r => r.url.includes('/status'))).toHaveLength(
      2,
    );
  });

  it('marks the entity incomplete when a file is missing, unreadable or not SARIF', async () => {
    const github = new FakeGitHub('acme', 'payments-api', 'gh-token')
      .put('reports/tfsec.sarif', fixture('tfsec.sarif'))
      .put('reports/broken.sarif', '{"version": "2.1.0", "runs": [')
      .put('reports/old.sarif', '{"version": "1.0.0", "runs": []}');
    server.use(...github.handlers());
    const result = await provider().getEntityResources(
      entity(
        './reports/tfsec.sarif,./reports/missing.sarif,./reports/broken.sarif,./reports/old.sarif,file:///etc/passwd,http://169.254.169.254/latest/meta-data',
        GITHUB_LOCATION,
      ),
      ctx(),
    );
    expect(result?.incomplete).toContain('./reports/missing.sarif: ');
    expect(result?.incomplete).toContain(
      './reports/broken.sarif: not valid JSON',
    );
    expect(result?.incomplete).toContain(
      './reports/old.sarif: SARIF version "1.0.0" is not supported',
    );
    expect(result?.incomplete).toContain(
      "file:///etc/passwd: only http(s) URLs or paths relative to the entity's catalog file are allowed",
    );
    expect(result?.incomplete).toContain(
      'http://169.254.169.254/latest/meta-data: loopback, link-local and private addresses are not read',
    );
    // The readable file's findings are still returned; the backend keeps the entity's last results.
    expect(result?.resources.length).toBeGreaterThan(0);
  });

  describe('local files', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'sarif-local-'));
      mkdirSync(join(root, 'repo', 'reports'), { recursive: true });
      writeFileSync(
        join(root, 'repo', 'catalog-info.yaml'),
        'kind: Component\n',
      );
      writeFileSync(
        join(root, 'repo', 'reports', 'checkov.sarif'),
        fixture('checkov.sarif'),
      );
      writeFileSync(join(root, 'secret.sarif'), fixture('tfsec.sarif'));
      symlinkSync(
        join(root, 'secret.sarif'),
        join(root, 'repo', 'reports', 'escape.sarif'),
      );
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('reads files of file: locations only under the local roots', async () => {
      const sarif = provider({ localRoots: [join(root, 'repo')] });
      const location = `file:${join(root, 'repo', 'catalog-info.yaml')}`;

      const ok = await sarif.getEntityResources(
        entity('./reports/checkov.sarif', location),
        ctx(),
      );
      expect(ok?.incomplete).toBeUndefined();
      expect(ok!.resources).toHaveLength(5);

      const escaped = await sarif.getEntityResources(
        entity('../secret.sarif,./reports/escape.sarif', location),
        ctx(),
      );
      expect(escaped!.resources).toEqual([]);
      expect(escaped!.incomplete).toContain(
        '../secret.sarif: outside the directories SARIF files may be read from',
      );
      expect(escaped!.incomplete).toContain('./reports/escape.sarif: outside');
    });

    it('reads nothing locally without roots', async () => {
      const result = await provider().getEntityResources(
        entity(
          './reports/checkov.sarif',
          `file:${join(root, 'repo', 'catalog-info.yaml')}`,
        ),
        ctx(),
      );
      expect(result?.incomplete).toMatch(/reading local files is disabled/);
    });

    it('stops returning a finding once its tool no longer reports it, with no quarantine', async () => {
      const sarif = provider({ localRoots: [join(root, 'repo')] });
      // Fixing findings shrinks the result legitimately: the backend applies it.
      expect(sarif.quarantine).toBe('never');
      const target = entity(
        './reports/',
        `file:${join(root, 'repo', 'catalog-info.yaml')}`,
      );
      const report = join(root, 'repo', 'reports', 'checkov.sarif');
      rmSync(join(root, 'repo', 'reports', 'escape.sarif'));

      const before = await sarif.getEntityResources(target, ctx());
      const fixedUid = 'sarif:checkov/CKV_K8S_16@k8s/deployment.yaml';
      expect(before!.resources.map(r => r.uid)).toContain(fixedUid);

      // The privileged container is fixed: Checkov stops reporting CKV_K8S_16.
      const doc = JSON.parse(fixture('checkov.sarif'));
      doc.runs[0].results = doc.runs[0].results.filter(
        (r: { ruleId: string }) => r.ruleId !== 'CKV_K8S_16',
      );
      writeFileSync(report, JSON.stringify(doc));
      const after = await sarif.getEntityResources(
        target,
        ctx('2026-11-29T10:00:00Z'),
      );
      expect(after!.incomplete).toBeUndefined();
      expect(after!.resources.map(r => r.uid)).not.toContain(fixedUid);
      expect(after!.resources).toHaveLength(before!.resources.length - 1);
    });
  });
});
