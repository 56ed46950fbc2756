import type { Finding } from '@internal/backstage-plugin-security-posture-common';
import { fixTemplateFor, parseFixTemplates } from './fixTemplates';

const finding: Finding = {
  id: '7',
  entityRef: 'component:default/payments-api',
  checkId: 'k8s-privileged-container',
  title: 'Privileged container',
  severity: 'critical',
  category: 'compute',
  control: 'no_privileged_containers',
  status: 'open',
  resource: {
    uid: 'k8s:apps/v1/Deployment/payments/payments-api',
    type: 'k8s.workload',
    kind: 'Deployment',
    name: 'payments-api',
    namespace: 'payments',
  },
  message: 'privileged',
  evidence: [],
  remediation: { text: '', url: '' },
  firstSeen: '2026-12-01T00:00:00.000Z',
  lastSeen: '2026-12-01T00:00:00.000Z',
  resolvedAt: null,
};

describe('fix templates', () => {
  const templates = parseFixTemplates([
    {
      check: 'k8s-privileged-*',
      template: 'secure-kubernetes-service',
      title: 'Harden with the secure service template',
      formData: {
        name: '{{ resource.name }}',
        namespace: '{{ resource.namespace }}',
        description:
          'Replaces {{ resource.kind }} {{ resource.name }} of {{ entity.ref }}',
        port: 8080,
        check: '{{ finding.checkId }}',
        address: '{{ resource.address }}',
      },
    },
  ]);

  it('fills the form from the finding and links the scaffolder with formData', () => {
    const fix = fixTemplateFor(finding, templates, '/create');
    expect(fix).toBeDefined();
    expect(fix!.templateRef).toBe('template:default/secure-kubernetes-service');
    expect(fix!.title).toBe('Harden with the secure service template');
    // A placeholder with no value (address) is left out; constants stay.
    expect(fix!.formData).toEqual({
      name: 'payments-api',
      namespace: 'payments',
      description:
        'Replaces Deployment payments-api of component:default/payments-api',
      port: 8080,
      check: 'k8s-privileged-container',
    });
    const url = new URL(fix!.url, 'http://app.example.com');
    expect(url.pathname).toBe(
      '/create/templates/default/secure-kubernetes-service',
    );
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual(
      fix!.formData,
    );
  });

  it('offers nothing for other checks', () => {
    expect(
      fixTemplateFor(
        { ...finding, checkId: 'k8s-image-digest' },
        templates,
        '/create',
      ),
    ).toBeUndefined();
  });

  it.each([
    [
      { check: 'x', template: 'component:default/a' },
      'must be a template reference',
    ],
    [{ template: 'template:default/a' }, 'check must be a check id'],
    [
      { check: 'x', template: 'a', formData: { n: '{{ secrets.token }}' } },
      'placeholders start with entity, resource, finding',
    ],
    [
      { check: 'x', template: 'a', values: {} },
      'values is not a fix template setting',
    ],
  ])('refuses %j', (entry, message) => {
    expect(() => parseFixTemplates([entry])).toThrow(message);
  });
});
