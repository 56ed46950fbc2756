import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { securityPosturePlugin } from '../../plugin';

/**
 * Annotations that point the manifests provider at the cloud metadata service,
 * the backend itself, the private network, local files, other repositories, or
 * redirect there: every one is refused with a reason on the entity, and
 * nothing is fetched (every request leaving the process is recorded by msw).
 */

jest.setTimeout(120_000);

const DEPLOYMENT = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: app
          image: example.com/app:1.0
`;

/** A gzipped tar archive (ustar) with files and symbolic links. */
function tarball(
  entries: Array<{ path: string; content?: string; link?: string }>,
): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.content ?? '');
    const header = Buffer.alloc(512);
    const field = (offset: number, length: number, value: string) =>
      header.write(value, offset, length, 'utf8');
    const octal = (offset: number, length: number, value: number) =>
      field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
    field(0, 100, e.path);
    octal(100, 8, e.link ? 0o777 : 0o644);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, e.link ? 0 : data.length);
    octal(136, 12, 1_700_000_000);
    field(148, 8, '        ');
    field(156, 1, e.link ? '2' : '0');
    if (e.link) field(157, 100, e.link);
    field(257, 6, 'ustar\0');
    field(263, 2, '00');
    let sum = 0;
    for (const byte of header) sum += byte;
    field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header);
    if (!e.link && data.length > 0) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const SHA = 'a'.repeat(40);
const GITHUB_API = 'https://api.github.com/repos/acme/shop';

/** Every request that left the process, except the test's own to the backend. */
const outgoing: string[] = [];
let backendPort = -1;

const server = setupServer(
  http.get('https://files.example.com/deploy.yaml', () =>
    HttpResponse.text(DEPLOYMENT('allowed-file')),
  ),
  http.get(
    'https://files.example.com/to-metadata.yaml',
    () =>
      new HttpResponse(null, {
        status: 302,
        headers: { Location: 'http://169.254.169.254/latest/meta-data/iam/' },
      }),
  ),
  http.get(
    'https://files.example.com/to-elsewhere.yaml',
    () =>
      new HttpResponse(null, {
        status: 301,
        headers: { Location: 'https://evil.example.net/deploy.yaml' },
      }),
  ),
  http.get(
    'https://files.example.com/to-loopback.yaml',
    () =>
      new HttpResponse(null, {
        status: 307,
        headers: { Location: 'http://127.0.0.1:9/deploy.yaml' },
      }),
  ),
  http.get(`${GITHUB_API}/commits/:ref/status`, () =>
    HttpResponse.json({
      sha: SHA,
      repository: {
        full_name: 'acme/shop',
        archive_url: `${GITHUB_API}/{archive_format}{/ref}`,
      },
    }),
  ),
  http.get(
    `${GITHUB_API}/tarball/${SHA}`,
    () =>
      new HttpResponse(
        new Uint8Array(
          tarball([
            {
              path: `acme-shop-${SHA.slice(0, 7)}/deploy/app.yaml`,
              content: DEPLOYMENT('from-repository'),
            },
            {
              path: `acme-shop-${SHA.slice(0, 7)}/deploy/passwd.yaml`,
              link: '/etc/passwd',
            },
            {
              path: `acme-shop-${SHA.slice(0, 7)}/deploy/empty.yaml`,
              content: '',
            },
            {
              path: `acme-shop-${SHA.slice(0, 7)}/deploy/up.yaml`,
              link: '../../../../../secret.yaml',
            },
          ]),
        ),
        { headers: { 'Content-Type': 'application/x-gzip' } },
      ),
  ),
  http.all('*', ({ request: req }) => {
    const url = new URL(req.url);
    if (
      ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) &&
      url.port === String(backendPort)
    ) {
      return passthrough();
    }
    outgoing.push(`${req.method} ${req.url}`);
    return HttpResponse.text('should not have been fetched', { status: 599 });
  }),
);

describe('SSRF and path guards of the manifests provider', () => {
  const api = '/api/security-posture';
  let root: string;
  let outside: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>['server'];

  /** Annotation value → the reason its entity must show. */
  const urlCases: Array<[string, string, string]> = [
    ['metadata', 'http://169.254.169.254/latest/meta-data/', 'link-local'],
    [
      'metadata-gcp',
      'http://metadata.google.internal/computeMetadata/v1/?recursive=true',
      'cloud metadata service',
    ],
    ['metadata-v6', 'http://[fd00:ec2::254]/latest/meta-data/', 'unique local'],
    ['localhost', 'http://localhost:9/deploy.yaml', 'the local machine'],
    ['loopback-v6', 'http://[::1]:9/deploy.yaml', 'loopback'],
    ['loopback-decimal', 'http://2130706433:9/deploy.yaml', 'loopback'],
    ['loopback-mapped', 'http://[::ffff:127.0.0.1]:9/deploy.yaml', 'loopback'],
    ['private-10', 'http://10.0.0.5/deploy.yaml', 'private'],
    ['private-192', 'http://192.168.1.10/deploy.yaml', 'private'],
    ['private-172', 'http://172.20.0.1/deploy.yaml', 'private'],
    ['cgnat', 'http://100.64.1.1/deploy.yaml', 'carrier-grade NAT'],
    [
      'credentials',
      'https://admin:hunter2@files.example.com/deploy.yaml',
      'URLs with credentials are not read',
    ],
    ['file-url', 'file:///etc/passwd', 'only http(s) URLs'],
    ['gopher', 'gopher://files.example.com/x', 'only http(s) URLs'],
    [
      'not-allowed',
      'https://evil.example.net/deploy.yaml',
      'backend.reading.allow',
    ],
    [
      'redirect-metadata',
      'https://files.example.com/to-metadata.yaml',
      'backend.reading.allow',
    ],
    [
      'redirect-elsewhere',
      'https://files.example.com/to-elsewhere.yaml',
      'backend.reading.allow',
    ],
    [
      'redirect-loopback',
      'https://files.example.com/to-loopback.yaml',
      'backend.reading.allow',
    ],
  ];

  function component(
    name: string,
    manifests: string,
    location: string,
  ): Entity {
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'backstage.io/managed-by-location': location,
          'security-posture.backstage.io/manifests': manifests,
        },
      },
      spec: { type: 'service', owner: 'group:default/team', lifecycle: 'x' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/team' }],
    };
  }

  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'bypass' });
    root = await fs.mkdtemp(join(tmpdir(), 'sp-ssrf-root-'));
    outside = await fs.mkdtemp(join(tmpdir(), 'sp-ssrf-outside-'));
    await fs.mkdir(join(root, 'team/deploy'), { recursive: true });
    await fs.writeFile(join(root, 'team/deploy/app.yaml'), DEPLOYMENT('local'));
    await fs.writeFile(join(outside, 'secret.yaml'), DEPLOYMENT('outside'));
    await fs.symlink(
      join(outside, 'secret.yaml'),
      join(root, 'team/deploy/escape.yaml'),
    );
    await fs.mkdir(join(root, 'team/linked'));
    await fs.symlink(outside, join(root, 'team/linked/outside-dir'));

    const fileLocation = `file:${root}/team/catalog-info.yaml`;
    const repoLocation =
      'url:https://github.com/acme/shop/blob/main/catalog-info.yaml';
    const entities: Entity[] = [
      {
        apiVersion: 'backstage.io/v1',
        kind: 'Group',
        metadata: { name: 'team', namespace: 'default' },
        spec: { type: 'team', children: [] },
      },
      ...urlCases.map(([name, url]) => component(name, url, fileLocation)),
      component(
        'allowed',
        'https://files.example.com/deploy.yaml',
        fileLocation,
      ),
      component('dotdot', '../../../../../etc/passwd', fileLocation),
      component('absolute-path', '/etc/passwd', fileLocation),
      component('symlink-local', 'deploy/', fileLocation),
      component('symlink-dir', 'linked/outside-dir/', fileLocation),
      component(
        'protocol-relative',
        '//169.254.169.254/latest/meta-data/',
        'url:https://files.example.com/catalog/catalog-info.yaml',
      ),
      component('repository-tree', 'deploy/', repoLocation),
    ];
    const started = await startTestBackend({
      features: [
        securityPosturePlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              reading: { allow: [{ host: 'files.example.com' }] },
            },
            integrations: {
              github: [{ host: 'github.com', token: 'ghp_test_token' }],
            },
            securityPosture: {
              providers: { manifests: { localRoots: [root] } },
              scan: {
                schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
              },
            },
          },
        }),
      ],
    });
    backend = started.server;
    backendPort = started.server.port();
    // A full scan, waited for (the start-up scan may still be running).
    const res = await request(backend).post(`${api}/scans`).send({});
    for (let i = 0; i < 300; i++) {
      const run = await request(backend).get(`${api}/scans/${res.body.scanId}`);
      if (run.body.status === 'succeeded') break;
      await new Promise(r => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    server.close();
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
  });

  const posture = async (name: string) =>
    (await request(backend).get(`${api}/entities/component/default/${name}`))
      .body;

  it.each(urlCases)(
    'refuses %s (%s) with the reason on the entity',
    async (name, _url, reason) => {
      const body = await posture(name);
      expect(body.status).toBe('partial');
      expect(body.resourceCount).toBe(0);
      expect(body.statusReasons.join('\n')).toContain(reason);
      // The reason never repeats a password.
      expect(JSON.stringify(body)).not.toContain('hunter2');
    },
  );

  it.each([
    ['dotdot', 'outside the directories local manifests may be read from'],
    [
      'absolute-path',
      'outside the directories local manifests may be read from',
    ],
    [
      'symlink-local',
      'deploy/escape.yaml: a symbolic link to a file outside the directories',
    ],
    ['symlink-dir', 'outside the directories local manifests may be read from'],
    // Resolved on the catalog file's own host, not at the metadata address.
    ['protocol-relative', '//169.254.169.254/latest/meta-data/'],
  ])('refuses %s with the reason on the entity', async (name, reason) => {
    const body = await posture(name);
    expect(body.status).toBe('partial');
    expect(body.statusReasons.join('\n')).toContain(reason);
  });

  it('reads what is allowed, and nothing behind a refused link', async () => {
    expect(await posture('allowed')).toMatchObject({
      status: 'ok',
      resourceCount: 1,
    });
    // An incomplete read applies nothing (the last known result stands):
    // the file behind the escaping link appears nowhere.
    for (const name of ['symlink-local', 'symlink-dir']) {
      const findings = await request(backend).get(
        `${api}/entities/component/default/${name}/findings?limit=500`,
      );
      expect(JSON.stringify(findings.body)).not.toContain('outside');
      expect((await posture(name)).resourceCount).toBe(0);
    }
  });

  it('never follows symbolic links inside a repository tree, and reads empty files as empty', async () => {
    // The tree reader hands links over without content; their targets
    // (/etc/passwd, a path above the checkout) are never read.
    const body = await posture('repository-tree');
    expect(body).toMatchObject({ status: 'ok', statusReasons: [] });
    expect(body.resourceCount).toBe(1);
    const findings = await request(backend).get(
      `${api}/entities/component/default/repository-tree/findings?limit=500`,
    );
    expect(
      new Set(
        findings.body.items.map(
          (f: { resource: { name: string } }) => f.resource.name,
        ),
      ),
    ).toEqual(new Set(['from-repository']));
  });

  it('fetched nothing it refused: only the allow-listed host and the repository were asked', async () => {
    expect(outgoing).toEqual([]);
  });
});
