import {
  FRAMEWORK_TITLES,
  toPercent,
  type FailingFrameworkControl,
  type FrameworkCompliance,
  type FrameworkId,
  type FrameworkMappings,
} from '@internal/backstage-plugin-security-posture-common';

/**
 * Compliance per framework control, computed when an entity is assessed and
 * merged over the members when roll-ups are computed, so pages read it from the
 * latest-posture table instead of the findings or the history.
 *
 * A framework control (e.g. NIST 800-53 `AC-6`) is fed by every check whose
 * `frameworks` mapping names it. What those checks did on the entity's
 * resources is kept as bit flags, which merge over a team's entities with a
 * bitwise or:
 * - {@link PASSED}: a mapped check passed on a resource;
 * - {@link FAILED}: a mapped check failed (open finding);
 * - {@link EXEMPTED}: a mapped check failed, covered by an active exemption;
 * - {@link ERRORED}: a mapped check could not be evaluated.
 */

/** A mapped check passed on a resource. */
export const PASSED = 1;
/** A mapped check failed on a resource, without exemption. */
export const FAILED = 2;
/** A mapped check failed on a resource, covered by an active exemption. */
export const EXEMPTED = 4;
/** A mapped check ended in an error on a resource. */
export const ERRORED = 8;

/** Most failing checks kept per control. */
const MAX_CHECKS = 20;
/** Most failing controls listed per framework in an answer. */
const MAX_FAILING_CONTROLS = 100;

/** What the checks mapped onto one framework control did. */
export interface FrameworkControlState {
  /** Flags: {@link PASSED} | {@link FAILED} | {@link EXEMPTED} | {@link ERRORED}. */
  s: number;
  /** Checks that failed (open or exempted), sorted, at most 20. */
  c?: string[];
}

/** Per framework, per framework control id. */
export type FrameworkStates = Partial<
  Record<FrameworkId, Record<string, FrameworkControlState>>
>;

/** A check as far as framework compliance is concerned. */
export interface FrameworkMappedCheck {
  id: string;
  frameworks: FrameworkMappings;
}

/** A failing (or exempted, or erroring) result as far as compliance is concerned. */
export interface FrameworkResult {
  checkId: string;
  status: 'open' | 'exempted' | 'error';
}

const FRAMEWORK_ORDER = Object.keys(FRAMEWORK_TITLES) as FrameworkId[];

function isFramework(id: string): id is FrameworkId {
  return Object.prototype.hasOwnProperty.call(FRAMEWORK_TITLES, id);
}

function addCheck(state: FrameworkControlState, checkId: string) {
  const list = state.c ?? (state.c = []);
  if (list.length >= MAX_CHECKS || list.includes(checkId)) return;
  list.push(checkId);
}

/** Sorts the failing checks of every control (once, after they were collected). */
function sortChecks(states: FrameworkStates): FrameworkStates {
  for (const controls of Object.values(states)) {
    for (const state of Object.values(controls ?? {})) {
      if (state.c && state.c.length > 1) state.c.sort();
    }
  }
  return states;
}

/**
 * The framework states of one assessed entity: for every check with a framework
 * mapping that passed or failed (or errored) on one of its resources, the flags
 * of the controls it maps onto. Checks that applied to no resource leave their
 * controls out (not evaluated).
 */
export function entityFrameworkStates(
  checks: readonly FrameworkMappedCheck[],
  passedByCheck: ReadonlyMap<string, number> | undefined,
  results: readonly FrameworkResult[],
): FrameworkStates {
  const flags = new Map<string, number>();
  for (const [id, n] of passedByCheck ?? []) {
    if (n > 0) flags.set(id, PASSED);
  }
  for (const r of results) {
    let flag = ERRORED;
    if (r.status === 'open') flag = FAILED;
    else if (r.status === 'exempted') flag = EXEMPTED;
    flags.set(r.checkId, (flags.get(r.checkId) ?? 0) | flag);
  }
  const byKey = new Map<string, FrameworkControlState>();
  const states: FrameworkStates = {};
  for (const check of checks) {
    const f = flags.get(check.id);
    if (!f) continue;
    for (const { framework, control, key } of mappedControlsOf(check)) {
      let state = byKey.get(key);
      if (!state) {
        state = { s: 0 };
        byKey.set(key, state);
        (states[framework] ?? (states[framework] = {}))[control] = state;
      }
      state.s |= f;
      if (f & (FAILED | EXEMPTED)) addCheck(state, check.id);
    }
  }
  return sortChecks(states);
}

/** The framework controls of a check, flattened once per check object. */
const mappedControlsCache = new WeakMap<
  FrameworkMappedCheck,
  Array<{ framework: FrameworkId; control: string; key: string }>
>();

function mappedControlsOf(check: FrameworkMappedCheck) {
  let list = mappedControlsCache.get(check);
  if (!list) {
    list = [];
    for (const [framework, controls] of Object.entries(check.frameworks)) {
      if (!isFramework(framework)) continue;
      for (const control of new Set(controls ?? [])) {
        list.push({ framework, control, key: `${framework}\u0000${control}` });
      }
    }
    mappedControlsCache.set(check, list);
  }
  return list;
}

/**
 * Merges the framework states of several entities (a roll-up's members): a
 * control's flags are or-ed and its failing checks united. Null when no member
 * has framework states (results computed before they were kept).
 */
export function mergeFrameworkStates(
  parts: Iterable<FrameworkStates | null | undefined>,
): FrameworkStates | null {
  // Accumulated in maps (roll-ups merge thousands of members), then made plain.
  let merged: Map<FrameworkId, Map<string, FrameworkControlState>> | null =
    null;
  for (const part of parts) {
    if (!part) continue;
    merged = merged ?? new Map();
    for (const framework in part) {
      if (!isFramework(framework)) continue;
      const controls = part[framework];
      if (!controls) continue;
      let byControl = merged.get(framework);
      if (!byControl) {
        byControl = new Map();
        merged.set(framework, byControl);
      }
      for (const control of Object.keys(controls)) {
        const state = controls[control];
        const into = byControl.get(control);
        if (!into) {
          byControl.set(
            control,
            state.c ? { s: state.s, c: [...state.c] } : { s: state.s },
          );
        } else {
          into.s |= state.s;
          if (state.c) for (const checkId of state.c) addCheck(into, checkId);
        }
      }
    }
  }
  if (!merged) return null;
  const out: FrameworkStates = {};
  for (const [framework, byControl] of merged) {
    out[framework] = Object.fromEntries(byControl);
  }
  return sortChecks(out);
}

/** How many controls of each framework a check catalogue maps checks onto. */
export function mappedControlCounts(
  checks: readonly FrameworkMappedCheck[],
): Map<FrameworkId, number> {
  const sets = new Map<FrameworkId, Set<string>>();
  for (const check of checks) {
    for (const [framework, controls] of Object.entries(check.frameworks)) {
      if (!isFramework(framework) || !controls?.length) continue;
      const set = sets.get(framework) ?? new Set<string>();
      for (const c of controls) set.add(c);
      sets.set(framework, set);
    }
  }
  const counts = new Map<FrameworkId, number>();
  for (const id of FRAMEWORK_ORDER) {
    const set = sets.get(id);
    if (set) counts.set(id, set.size);
  }
  return counts;
}

/** Raw status of a control from its flags. */
function rawStatus(s: number): 'pass' | 'fail' | 'unknown' | undefined {
  if (s & (FAILED | EXEMPTED)) return 'fail';
  if (s & ERRORED) return 'unknown';
  if (s & PASSED) return 'pass';
  return undefined;
}

/** Status with exemptions applied: an exempted failure passes. */
function adjustedStatus(s: number): 'pass' | 'fail' | 'unknown' | undefined {
  if (s & FAILED) return 'fail';
  if (s & ERRORED) return 'unknown';
  if (s & (PASSED | EXEMPTED)) return 'pass';
  return undefined;
}

/**
 * Compliance per framework from stored states: for every framework the
 * catalogue maps (`mapped`, in the usual framework order) and every framework
 * the states hold, the evaluated, passing, failing and unknown controls and the
 * share passing, raw and with exemptions. `details` adds the failing controls.
 */
export function summarizeFrameworks(
  states: FrameworkStates | null | undefined,
  mapped: ReadonlyMap<FrameworkId, number>,
  options: { details?: boolean; frameworks?: readonly FrameworkId[] } = {},
): FrameworkCompliance[] {
  const ids =
    options.frameworks ??
    FRAMEWORK_ORDER.filter(id => mapped.has(id) || states?.[id] !== undefined);
  return ids.map(id => {
    let evaluated = 0;
    let passing = 0;
    let failing = 0;
    let unknown = 0;
    let adjustedPassing = 0;
    const failingControls: FailingFrameworkControl[] = [];
    for (const [control, state] of Object.entries(states?.[id] ?? {})) {
      const raw = rawStatus(state.s);
      const adjusted = adjustedStatus(state.s);
      if (raw === 'unknown') unknown++;
      if (raw === 'pass' || raw === 'fail') evaluated++;
      if (raw === 'pass') passing++;
      if (raw === 'fail') {
        failing++;
        failingControls.push({
          id: control,
          checks: state.c ?? [],
          exempted: adjusted === 'pass',
        });
      }
      if (raw !== 'unknown' && adjusted === 'pass') adjustedPassing++;
    }
    failingControls.sort((a, b) => compareControlIds(a.id, b.id));
    return {
      id,
      title: FRAMEWORK_TITLES[id],
      mapped: mapped.get(id) ?? 0,
      evaluated,
      passing,
      failing,
      unknown,
      percent: toPercent(passing, evaluated),
      adjustedPassing,
      adjustedPercent: toPercent(adjustedPassing, evaluated),
      ...(options.details
        ? { failingControls: failingControls.slice(0, MAX_FAILING_CONTROLS) }
        : {}),
    };
  });
}

const naturalOrder = new Intl.Collator('en', {
  numeric: true,
  sensitivity: 'base',
});

/** Orders control ids naturally: `AC-2` before `AC-10`, `1.2` before `1.10`. */
export function compareControlIds(a: string, b: string): number {
  const natural = naturalOrder.compare(a, b);
  if (natural !== 0 || a === b) return natural;
  return a < b ? -1 : 1;
}

/** Parses stored states, dropping anything that is not shaped like them. */
export function parseFrameworkStates(value: unknown): FrameworkStates | null {
  if (typeof value !== 'string' || value === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return null;
  }
  const out: FrameworkStates = {};
  for (const [framework, controls] of Object.entries(parsed)) {
    if (!isFramework(framework) || !controls || typeof controls !== 'object') {
      continue;
    }
    const byControl: Record<string, FrameworkControlState> = {};
    for (const [control, state] of Object.entries(
      controls as Record<string, unknown>,
    )) {
      const s = (state as FrameworkControlState | null)?.s;
      if (typeof s !== 'number') continue;
      const c = (state as FrameworkControlState).c;
      byControl[control] = {
        s,
        ...(Array.isArray(c)
          ? { c: c.filter((x): x is string => typeof x === 'string') }
          : {}),
      };
    }
    out[framework] = byControl;
  }
  return out;
}
