/**
 * A read-only view of a pod (metadata + spec, as plain JSON) prepared once per
 * evaluation and shared by every Pod Security check.
 */

/** A JSON object. */
export type Obj = Record<string, any>;

/** The three container lists of a pod spec, in the order the admission controller visits them. */
export const CONTAINER_LISTS = [
  'initContainers',
  'containers',
  'ephemeralContainers',
] as const;

/** Which container list a container belongs to. */
export type ContainerList = (typeof CONTAINER_LISTS)[number];

const EMPTY_OBJ: Obj = Object.freeze({}) as Obj;
const EMPTY_LIST: readonly unknown[] = Object.freeze([]);

/** One container of the pod with its position. */
export interface ContainerEntry {
  list: ContainerList;
  index: number;
  container: Obj;
  /** `securityContext`, when it is an object. */
  sc: Obj | undefined;
  name: string;
  image: string;
}

/** The pod as the checks see it. */
export interface PodView {
  annotations: Obj;
  /** Whether the pod has any annotation (most checks never look at them). */
  hasAnnotations: boolean;
  spec: Obj;
  /** Pod-level `spec.securityContext`, when it is an object. */
  podSc: Obj | undefined;
  containers: ContainerEntry[];
  /** `spec.os.name: windows` */
  windows: boolean;
  /** `spec.hostUsers: false` (the pod runs in a user namespace). */
  userNamespace: boolean;
}

/** The object, when the value is a (non-array) object. */
export function asObj(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Obj)
    : undefined;
}

/** The array, or an empty one. */
export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : EMPTY_LIST;
}

/** A value as the string Kubernetes would have decoded (missing → ''). */
export function str(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

/** Builds the view of a pod; missing or malformed parts read as empty, like a decoded zero value. */
export function podView(pod: { metadata?: unknown; spec?: unknown }): PodView {
  const metadata = asObj(pod.metadata) ?? EMPTY_OBJ;
  const spec = asObj(pod.spec) ?? EMPTY_OBJ;
  const containers: ContainerEntry[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = asList(spec[list]);
    for (let index = 0; index < items.length; index++) {
      const container = asObj(items[index]) ?? EMPTY_OBJ;
      containers.push({
        list,
        index,
        container,
        sc: asObj(container.securityContext),
        name: str(container.name),
        image: str(container.image),
      });
    }
  }
  const annotations = asObj(metadata.annotations) ?? EMPTY_OBJ;
  let hasAnnotations = false;
  for (const key in annotations) {
    if (Object.prototype.hasOwnProperty.call(annotations, key)) {
      hasAnnotations = true;
      break;
    }
  }
  return {
    annotations,
    hasAnnotations,
    spec,
    podSc: asObj(spec.securityContext),
    containers,
    windows: asObj(spec.os)?.name === 'windows',
    userNamespace: spec.hostUsers === false,
  };
}

/** Path of a container, e.g. `spec.containers[0]`. */
export function containerPath(entry: ContainerEntry): string {
  return `spec.${entry.list}[${entry.index}]`;
}
