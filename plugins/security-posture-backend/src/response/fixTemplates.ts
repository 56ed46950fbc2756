import {
  scaffolderTemplateUrl,
  type Finding,
  type FindingFixTemplate,
} from '@internal/backstage-plugin-security-posture-common';
import { tryNormalizeRef } from '../catalog/refs';

/** One entry of `securityPosture.fixTemplates.templates`. */
export interface FixTemplateDefinition {
  /** Check id, or a glob over check ids (`k8s-*`). */
  check: string;
  matches: (checkId: string) => boolean;
  /** `template:<namespace>/<name>` */
  templateRef: string;
  title: string;
  /** Form values; strings may hold `{{ path }}` placeholders. */
  formData: Record<string, unknown>;
}

const PLACEHOLDER =
  /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*|\[\d+\])*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*|\[\d+\])*)\s*\}\}$/;

function invalid(path: string, message: string): never {
  throw new Error(`securityPosture.fixTemplates.templates${path} ${message}`);
}

function globMatcher(pattern: string): (value: string) => boolean {
  if (!pattern.includes('*')) return value => value === pattern;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return value => re.test(value);
}

/** Validates `securityPosture.fixTemplates.templates`. */
export function parseFixTemplates(raw: unknown): FixTemplateDefinition[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) invalid('', 'must be a list');
  return raw.map((t, i) => {
    const at = `[${i}]`;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      invalid(at, 'must be an object with check, template and formData');
    }
    const entry = t as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!['check', 'template', 'title', 'formData'].includes(key)) {
        invalid(
          `${at}.${key}`,
          'is not a fix template setting (check, template, title, formData)',
        );
      }
    }
    if (typeof entry.check !== 'string' || !entry.check.trim()) {
      invalid(`${at}.check`, 'must be a check id or a glob over check ids');
    }
    const templateRef =
      typeof entry.template === 'string'
        ? tryNormalizeRef(entry.template, { defaultKind: 'template' })
        : undefined;
    if (!templateRef || !templateRef.startsWith('template:')) {
      invalid(
        `${at}.template`,
        `must be a template reference (template:<namespace>/<name>), got ${JSON.stringify(
          entry.template,
        )}`,
      );
    }
    const formData = entry.formData ?? {};
    if (
      typeof formData !== 'object' ||
      formData === null ||
      Array.isArray(formData)
    ) {
      invalid(`${at}.formData`, 'must map form fields to values');
    }
    checkPlaceholders(formData, `${at}.formData`);
    const check = (entry.check as string).trim();
    return {
      check,
      matches: globMatcher(check),
      templateRef,
      title:
        typeof entry.title === 'string' && entry.title.trim()
          ? entry.title.trim()
          : 'Fix with template',
      formData: formData as Record<string, unknown>,
    };
  });
}

const ROOTS = ['entity', 'resource', 'finding'];

function checkPlaceholders(value: unknown, path: string) {
  if (typeof value === 'string') {
    for (const m of value.matchAll(PLACEHOLDER)) {
      const root = m[1].split(/[.[]/)[0];
      if (!ROOTS.includes(root)) {
        invalid(
          path,
          `uses {{ ${m[1]} }}: placeholders start with ${ROOTS.join(', ')}`,
        );
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkPlaceholders(v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      checkPlaceholders(v, `${path}.${k}`);
    }
  }
}

function lookup(context: unknown, path: string): unknown {
  let current: unknown = context;
  for (const part of path
    .split(/\.|\[(\d+)\]/)
    .filter(p => p !== undefined && p !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function render(value: unknown, context: unknown): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(context, whole[1]);
    return value.replace(PLACEHOLDER, (_m, path: string) => {
      const v = lookup(context, path);
      return v === undefined || v === null ? '' : String(v);
    });
  }
  if (Array.isArray(value)) {
    return value.map(v => render(v, context)).filter(v => v !== undefined);
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = render(v, context);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return value;
}

/**
 * The template that fixes a finding, with its form filled from the finding:
 * `{{ entity.ref }}`, `{{ entity.kind }}`, `{{ entity.namespace }}`,
 * `{{ entity.name }}`, `{{ resource.name }}` (any field of the finding's
 * resource), `{{ finding.checkId }}` (any field of the finding). A placeholder
 * that is the whole value keeps its type; one with no value is left out.
 */
export function fixTemplateFor(
  finding: Finding,
  templates: readonly FixTemplateDefinition[],
  scaffolderPath: string,
): FindingFixTemplate | undefined {
  const template = templates.find(t => t.matches(finding.checkId));
  if (!template) return undefined;
  const ref = tryNormalizeRef(finding.entityRef) ?? finding.entityRef;
  const [kind, rest] = [
    ref.slice(0, ref.indexOf(':')),
    ref.slice(ref.indexOf(':') + 1),
  ];
  const [namespace, name] = rest.split('/');
  const context = {
    entity: { ref, kind, namespace, name },
    resource: finding.resource,
    finding,
  };
  const formData = render(template.formData, context) as Record<
    string,
    unknown
  >;
  return {
    templateRef: template.templateRef,
    title: template.title,
    formData,
    url: scaffolderTemplateUrl(template.templateRef, formData, scaffolderPath),
  };
}
