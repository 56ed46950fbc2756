import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesClusterConfig } from '../config';
import { KUBERNETES_KINDS } from '../kinds';
import { KubernetesApiClient } from './KubernetesApiClient';

/**
 * A real HTTPS API server with a self-signed certificate: TLS verification must
 * be on unless configured off, and the configured CA must be trusted.
 */
describe('KubernetesApiClient over TLS', () => {
  let dir: string;
  let server: https.Server;
  let url: string;
  let ca: string;
  const seen: Array<string | undefined> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sp-k8s-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=kubernetes',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'));
    ca = cert.toString('base64');
    server = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert },
      (req, res) => {
        seen.push(req.headers.authorization);
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            kind: 'NamespaceList',
            apiVersion: 'v1',
            metadata: { resourceVersion: '1' },
            items: [{ metadata: { name: 'default' } }],
          }),
        );
      },
    );
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const namespaces = KUBERNETES_KINDS.find(k => k.kind === 'Namespace')!;

  function client(overrides: Partial<KubernetesClusterConfig>) {
    return new KubernetesApiClient(
      {
        name: 'local',
        url,
        authProvider: 'serviceAccount',
        serviceAccountToken: 'tls-token',
        skipTLSVerify: false,
        timeoutMs: 10_000,
        requestTimeoutMs: 5_000,
        origin: 'securityPosture.providers.kubernetes.clusters',
        ...overrides,
      },
      { pageSize: 500, retries: 0 },
    );
  }

  const signal = () => new AbortController().signal;

  it('refuses a server whose certificate it cannot verify', async () => {
    seen.length = 0;
    await expect(
      client({}).listAll(namespaces, { signal: signal() }),
    ).rejects.toThrow(/self[- ]signed certificate/);
    // The token never reached the untrusted server.
    expect(seen).toEqual([]);
  });

  it('trusts the configured CA and sends the token', async () => {
    seen.length = 0;
    const result = await client({ caData: ca }).listAll(namespaces, {
      signal: signal(),
    });
    expect(result!.items).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    ]);
    expect(seen).toEqual(['Bearer tls-token']);
  });

  it('connects without verification only when skipTLSVerify is set', async () => {
    const result = await client({ skipTLSVerify: true }).listAll(namespaces, {
      signal: signal(),
    });
    expect(result!.items).toHaveLength(1);
  });
});
