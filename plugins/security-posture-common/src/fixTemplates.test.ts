import { scaffolderTemplateUrl } from './fixTemplates';

describe('scaffolderTemplateUrl', () => {
  it('opens the template with the form prefilled through ?formData=<json>', () => {
    const url = scaffolderTemplateUrl('template:platform/secure-service', {
      name: 'payments-api',
      port: 8080,
      tags: ['a&b', 'c d'],
    });
    const parsed = new URL(url, 'http://localhost:3000');
    expect(parsed.pathname).toBe('/create/templates/platform/secure-service');
    expect(JSON.parse(parsed.searchParams.get('formData')!)).toEqual({
      name: 'payments-api',
      port: 8080,
      tags: ['a&b', 'c d'],
    });
  });

  it('defaults the namespace and honours another scaffolder path', () => {
    expect(scaffolderTemplateUrl('secure-service', {}, '/scaffolder/')).toBe(
      '/scaffolder/templates/default/secure-service?formData=%7B%7D',
    );
  });

  it('refuses references that are not templates', () => {
    expect(() => scaffolderTemplateUrl('template:a/b/c', {})).toThrow(
      'Invalid template reference',
    );
  });
});
