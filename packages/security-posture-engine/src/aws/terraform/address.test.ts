import {
  configModuleOf,
  parentModule,
  parseResourceAddress,
  parseSegments,
} from './address';

describe('Terraform addresses', () => {
  it('splits references with numeric and quoted keys', () => {
    expect(parseSegments('aws_s3_bucket.data["raw.v1]"].id')).toEqual([
      { name: 'aws_s3_bucket' },
      { name: 'data', key: 'raw.v1]' },
      { name: 'id' },
    ]);
    expect(parseSegments('module.m[0].bucket_id')).toEqual([
      { name: 'module' },
      { name: 'm', key: 0 },
      { name: 'bucket_id' },
    ]);
    for (const bad of ['', 'a.', '.a', 'a[', 'a["x]', 'a b', 'a..b']) {
      expect(parseSegments(bad)).toBeUndefined();
    }
  });

  it('parses full resource addresses with module instances', () => {
    expect(
      parseResourceAddress('module.a["eu"].module.b[1].aws_s3_bucket.logs[0]'),
    ).toEqual({
      module: 'module.a["eu"].module.b[1]',
      configModule: 'module.a.module.b',
      mode: 'managed',
      type: 'aws_s3_bucket',
      name: 'logs',
      key: 0,
    });
    expect(
      parseResourceAddress('data.aws_iam_policy_document.x'),
    ).toMatchObject({
      mode: 'data',
      module: '',
      type: 'aws_iam_policy_document',
    });
    expect(parseResourceAddress('module.a')).toBeUndefined();
  });

  it('derives configuration paths and parents of module instances', () => {
    expect(configModuleOf('module.a["x"].module.b[2]')).toBe(
      'module.a.module.b',
    );
    expect(parentModule('module.a["x"].module.b[2]')).toEqual({
      parent: 'module.a["x"]',
      key: 2,
    });
    expect(parentModule('module.a')).toEqual({ parent: '', key: undefined });
    expect(parentModule('')).toBeUndefined();
  });
});
