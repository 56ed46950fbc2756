import { CATEGORY_IDS, CATEGORY_TITLES, CategoryId } from './types';

/** earned / possible, with `percent` rounded to one decimal. @public */
export interface ScoreSummary {
  earned: number;
  possible: number;
  /** 0–100 with one decimal; `null` when nothing was possible (no evidence). */
  percent: number | null;
}

/**
 * Status of a scorecard control for one entity:
 * - `pass` / `fail`: evidence was found;
 * - `not_applicable`: no resource the control applies to;
 * - `unknown`: the source that would provide evidence failed or was not scanned.
 * @public
 */
export type ControlStatus = 'pass' | 'fail' | 'not_applicable' | 'unknown';

/** @public */
export interface ControlScore {
  id: string;
  title: string;
  category: CategoryId;
  weight: number;
  status: ControlStatus;
  /** Status when active exemptions are applied. */
  adjustedStatus: ControlStatus;
  earned: number;
  adjustedEarned: number;
  /** weight when the control had evidence, else 0 */
  possible: number;
  /** Resource×check results behind the control. */
  passed: number;
  failed: number;
  exempted: number;
  errors: number;
}

/** @public */
export interface CategoryScore extends ScoreSummary {
  id: CategoryId;
  title: string;
}

/** A failing control and what fixing it would add. @public */
export interface PointsToGain {
  control: string;
  title: string;
  category: CategoryId;
  /** Points (weight units) gained when the control passes. */
  points: number;
  /** Overall percentage points gained. */
  percentGain: number;
}

/** @public */
export interface PostureScore {
  /** Raw score: exemptions not applied. */
  score: ScoreSummary;
  /** Score with active exemptions applied. */
  adjustedScore: ScoreSummary;
  categories: CategoryScore[];
  adjustedCategories: CategoryScore[];
  controls: ControlScore[];
  /** Share (0–1) of the applicable scorecard weight that had evidence; `null` if nothing applied. */
  coverage: number | null;
  pointsToGain: PointsToGain[];
}

/** Rounds a ratio to a percentage with one decimal. @public */
export function toPercent(earned: number, possible: number): number | null {
  if (possible <= 0) return null;
  return Math.round((earned / possible) * 1000) / 10;
}

/** @public */
export function summarize(earned: number, possible: number): ScoreSummary {
  return { earned, possible, percent: toPercent(earned, possible) };
}

/** Letter grade for a percentage. @public */
export function gradeFor(
  percent: number | null,
): 'A' | 'B' | 'C' | 'D' | 'F' | '-' {
  if (percent === null) return '-';
  if (percent >= 90) return 'A';
  if (percent >= 80) return 'B';
  if (percent >= 70) return 'C';
  if (percent >= 60) return 'D';
  return 'F';
}

/**
 * Scores a set of control results: per category earned/possible over controls that
 * had evidence; overall Σ earned / Σ possible; coverage; points to gain.
 * @public
 */
export function scoreControls(controls: ControlScore[]): PostureScore {
  const categories: CategoryScore[] = [];
  const adjustedCategories: CategoryScore[] = [];
  let earned = 0;
  let adjustedEarned = 0;
  let possible = 0;
  let evidenced = 0;
  let applicable = 0;
  for (const id of CATEGORY_IDS) {
    let e = 0;
    let ae = 0;
    let p = 0;
    for (const c of controls) {
      if (c.category !== id) continue;
      e += c.earned;
      ae += c.adjustedEarned;
      p += c.possible;
      if (c.status !== 'not_applicable') applicable += c.weight;
      if (c.status === 'pass' || c.status === 'fail') evidenced += c.weight;
    }
    earned += e;
    adjustedEarned += ae;
    possible += p;
    categories.push({ id, title: CATEGORY_TITLES[id], ...summarize(e, p) });
    adjustedCategories.push({
      id,
      title: CATEGORY_TITLES[id],
      ...summarize(ae, p),
    });
  }
  const pointsToGain: PointsToGain[] = controls
    .filter(c => c.status === 'fail' && c.possible > c.earned)
    .map(c => {
      const points = c.possible - c.earned;
      const now = possible > 0 ? earned / possible : 0;
      const after = possible > 0 ? (earned + points) / possible : 0;
      return {
        control: c.id,
        title: c.title,
        category: c.category,
        points,
        percentGain: Math.round((after - now) * 1000) / 10,
      };
    })
    .sort((a, b) => b.points - a.points || a.control.localeCompare(b.control));
  return {
    score: summarize(earned, possible),
    adjustedScore: summarize(adjustedEarned, possible),
    categories,
    adjustedCategories,
    controls,
    coverage:
      applicable > 0
        ? Math.round((evidenced / applicable) * 1000) / 1000
        : null,
    pointsToGain,
  };
}

/**
 * Rolls up several entities' scores (a system, a team): Σ earned / Σ possible overall
 * and per category.
 * @public
 */
export function aggregateScores(
  parts: Array<{
    earned: number;
    possible: number;
    categories?: Array<{ id: CategoryId; earned: number; possible: number }>;
  }>,
): { score: ScoreSummary; categories: CategoryScore[] } {
  let earned = 0;
  let possible = 0;
  const byCat = new Map<CategoryId, { e: number; p: number }>();
  for (const part of parts) {
    earned += part.earned;
    possible += part.possible;
    for (const c of part.categories ?? []) {
      const acc = byCat.get(c.id) ?? { e: 0, p: 0 };
      acc.e += c.earned;
      acc.p += c.possible;
      byCat.set(c.id, acc);
    }
  }
  return {
    score: summarize(earned, possible),
    categories: CATEGORY_IDS.map(id => {
      const acc = byCat.get(id) ?? { e: 0, p: 0 };
      return { id, title: CATEGORY_TITLES[id], ...summarize(acc.e, acc.p) };
    }),
  };
}
