/**
 * Container image references as Kyverno exposes them in the `images` context
 * variable (`images.containers.<name>.registry`, `.path`, `.tag`…) and through
 * `image_normalize()`.
 */
import { isObject, JsonObject } from './values';

/** Parts of an image reference. Empty parts are omitted, as in Kyverno's JSON. */
export interface ImageInfo {
  registry?: string;
  name: string;
  path: string;
  tag?: string;
  digest?: string;
  reference: string;
  referenceWithTag: string;
}

const DEFAULT_REGISTRY = 'docker.io';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const REFERENCE_RE = new RegExp(
  `^(${DOMAIN})/(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

/** Parses an image reference; `undefined` when it is not valid. */
export function imageInfo(image: string): ImageInfo | undefined {
  let full = image;
  const slash = image.indexOf('/');
  if (slash < 0) {
    full = `${DEFAULT_REGISTRY}/${image}`;
  } else {
    const first = image.slice(0, slash);
    if (
      !/[.:]/.test(first) &&
      first !== 'localhost' &&
      first.toLowerCase() === first
    ) {
      full = `${DEFAULT_REGISTRY}/${image}`;
    }
  }
  const m = REFERENCE_RE.exec(full);
  if (!m || m[1].length + 1 + m[2].length > 255) return undefined;
  const [, registry, path, tagIn, digest] = m;
  const tag = !tagIn && !digest ? 'latest' : tagIn;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const base = `${registry}/${path}`;
  const info: ImageInfo = {
    registry,
    name,
    path,
    reference: digest ? `${base}@${digest}` : `${base}:${tag}`,
    referenceWithTag: `${base}:${tag ?? ''}`,
  };
  if (tag) info.tag = tag;
  if (digest) info.digest = digest;
  return info;
}

function podSpecOf(resource: JsonObject): JsonObject | undefined {
  const kind = resource.kind;
  const spec = resource.spec;
  if (!isObject(spec)) return undefined;
  switch (kind) {
    case 'Pod':
      return spec;
    case 'CronJob': {
      const jt = spec.jobTemplate;
      const s =
        isObject(jt) && isObject(jt.spec) ? jt.spec.template : undefined;
      return isObject(s) && isObject(s.spec) ? s.spec : undefined;
    }
    case 'Deployment':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job': {
      const t = spec.template;
      return isObject(t) && isObject(t.spec) ? t.spec : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The `images` context variable of a workload: per container list, per container
 * name, the parts of its image. Throws when an image reference is invalid (Kyverno
 * fails the same way, only when the variable is used).
 */
export function buildImagesContext(resource: unknown): JsonObject {
  const out: JsonObject = {};
  if (!isObject(resource)) return out;
  const spec = podSpecOf(resource);
  if (!spec) return out;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    const entries: JsonObject = {};
    containers.forEach((c, i) => {
      if (
        !isObject(c) ||
        typeof c.image !== 'string' ||
        c.image.trim() === ''
      ) {
        return;
      }
      const info = imageInfo(c.image);
      if (!info) throw new Error(`invalid image '${c.image}'`);
      const key = typeof c.name === 'string' ? c.name : String(i);
      entries[key] = { ...info } as unknown as JsonObject;
    });
    if (Object.keys(entries).length > 0) out[list] = entries;
  }
  return out;
}
