import { refusedUrlReason, resolveInRepository } from './urls';

describe('refusedUrlReason', () => {
  it.each([
    [
      'http://169.254.169.254/latest/meta-data/',
      'a link-local address, where cloud metadata services answer',
    ],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'unique local'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'cloud metadata'],
    ['http://localhost:7007/api/catalog/entities', 'the local machine'],
    ['http://LOCALHOST./x.yaml', 'the local machine'],
    ['http://api.localhost/x.yaml', 'the local machine'],
    ['http://127.0.0.1/x.yaml', 'loopback'],
    ['http://127.1/x.yaml', 'loopback'],
    ['http://2130706433/x.yaml', 'loopback'],
    ['http://0x7f000001/x.yaml', 'loopback'],
    ['http://0177.0.0.1/x.yaml', 'loopback'],
    ['http://0/x.yaml', 'this network'],
    ['http://[::1]/x.yaml', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/x.yaml', 'loopback'],
    ['http://[::]/x.yaml', 'unspecified'],
    ['http://[::ffff:127.0.0.1]/x.yaml', 'a loopback address, as IPv6'],
    [
      'http://[::ffff:a9fe:a9fe]/x.yaml',
      'a link-local address, where cloud metadata services answer, as IPv6',
    ],
    [
      'http://[64:ff9b::169.254.169.254]/x',
      'a link-local address, where cloud metadata services answer, through NAT64',
    ],
    [
      'http://[2002:a9fe:a9fe::1]/x',
      'a link-local address, where cloud metadata services answer, through 6to4',
    ],
    ['http://[fe80::1%25eth0]/x.yaml', 'not a valid URL'],
    ['http://[fe80::1]/x.yaml', 'link-local'],
    ['http://10.0.0.5/x.yaml', 'private'],
    ['http://172.31.255.255/x.yaml', 'private'],
    ['http://192.168.1.1/x.yaml', 'private'],
    ['http://100.64.0.1/x.yaml', 'carrier-grade NAT'],
    ['http://198.18.0.1/x.yaml', 'benchmarking'],
    ['http://224.0.0.1/x.yaml', 'multicast'],
    ['http://255.255.255.255/x.yaml', 'reserved'],
    ['file:///etc/passwd', 'only http(s) URLs are read'],
    ['gopher://example.com/x', 'only http(s) URLs are read'],
    ['https://user:secret@github.com/acme/x.yaml', 'URLs with credentials'],
    ['not a url', 'not a valid URL'],
  ])('refuses %s (%s)', (url, reason) => {
    expect(refusedUrlReason(url)).toContain(reason);
  });

  it('never repeats a password it refuses', () => {
    expect(
      refusedUrlReason('https://user:hunter2@github.com/acme/x.yaml'),
    ).not.toContain('hunter2');
  });

  it.each([
    'https://github.com/acme/payments/blob/main/deploy/app.yaml',
    'https://ghe.example.net/acme/x/tree/main/deploy',
    'http://172.32.0.1/x.yaml',
    'http://100.128.0.1/x.yaml',
    'http://[2606:4700::1111]/x.yaml',
    'http://8.8.8.8/x.yaml',
    'https://localhost.example.com/x.yaml',
  ])('lets %s through to the UrlReader', url => {
    expect(refusedUrlReason(url)).toBeUndefined();
  });
});

describe('resolveInRepository', () => {
  // What ScmIntegrations answers for GitHub (tree URLs, root at the ref).
  const github = {
    byUrl: (url: string) => url.startsWith('https://github.com/'),
    resolveUrl: ({ url, base }: { url: string; base: string }) => {
      const root = 'https://github.com/acme/repo/tree/main/';
      if (url.startsWith('/')) return `${root}${url.slice(1)}`;
      return new URL(url, base.replace('/blob/', '/tree/')).toString();
    },
  };
  const base =
    'https://github.com/acme/repo/blob/main/services/x/catalog-info.yaml';

  it('keeps paths inside the repository of the catalog file', () => {
    expect(resolveInRepository(github, 'deploy/app.yaml', base)).toEqual({
      url: 'https://github.com/acme/repo/tree/main/services/x/deploy/app.yaml',
    });
    expect(resolveInRepository(github, '../../deploy/', base)).toEqual({
      url: 'https://github.com/acme/repo/tree/main/deploy/',
    });
  });

  it('refuses paths that climb out of it', () => {
    expect(
      resolveInRepository(github, '../../../../other/x.yaml', base),
    ).toEqual({
      error:
        "../../../../other/x.yaml: leaves the repository of the entity's catalog file (https://github.com/acme/repo/tree/main/)",
    });
  });

  it('keeps hosts without an integration to their host', () => {
    const plain = {
      byUrl: () => undefined,
      resolveUrl: ({ url, base: b }: { url: string; base: string }) =>
        new URL(url, b).toString(),
    };
    const b = 'https://files.example.com/a/catalog-info.yaml';
    expect(resolveInRepository(plain, '../x.yaml', b)).toEqual({
      url: 'https://files.example.com/x.yaml',
    });
    expect(resolveInRepository(plain, '//169.254.169.254/x', b)).toMatchObject({
      error: expect.stringContaining('leaves the repository'),
    });
  });
});
