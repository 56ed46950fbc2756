import {
  DEFAULT_FINDING_SORT,
  FINDING_SORT_KEYS,
  type FindingResource,
  type FindingSort,
  type FindingSortKey,
} from '@internal/backstage-plugin-security-posture-common';
import { toDate, toNumber } from './util';

/** One column of a findings order. */
export interface FindingsSortColumn {
  /** Column of `findings as f`. */
  column: string;
  /** Row field the column comes back as. */
  field: string;
  direction: 'asc' | 'desc';
  type: 'string' | 'number' | 'date';
}

/**
 * Where a findings page starts: the sort values of the last item of the previous
 * page (dates as epoch milliseconds) and its id.
 */
export interface FindingsCursor {
  sort: FindingSort;
  values: Array<string | number>;
  id: number;
}

const COLUMNS: Record<
  FindingSortKey,
  Omit<FindingsSortColumn, 'direction'> & { inverted?: boolean }
> = {
  // Ascending severity is low → critical: the rank (0 = critical) descending.
  severity: {
    column: 'f.severity_rank',
    field: 'severity_rank',
    type: 'number',
    inverted: true,
  },
  category: { column: 'f.category', field: 'category', type: 'string' },
  status: { column: 'f.status', field: 'status', type: 'string' },
  firstSeen: { column: 'f.first_seen', field: 'first_seen', type: 'date' },
  lastSeen: { column: 'f.last_seen', field: 'last_seen', type: 'date' },
  check: { column: 'f.check_id', field: 'check_id', type: 'string' },
  resource: {
    column: 'f.resource_sort',
    field: 'resource_sort',
    type: 'string',
  },
};

/** Whether a string is a findings sort order (`key` or `-key`). */
export function isFindingSort(value: string): value is FindingSort {
  const key = value.startsWith('-') ? value.slice(1) : value;
  return (FINDING_SORT_KEYS as readonly string[]).includes(key);
}

/**
 * The columns a findings order sorts on, the last ones breaking ties: the key
 * asked for, then the most severe first (unless severity is the key), then the
 * finding id; so every order is total and keyset paging is stable.
 */
export function findingsSortColumns(
  sort: FindingSort = DEFAULT_FINDING_SORT,
): FindingsSortColumn[] {
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as FindingSortKey;
  const { inverted, ...primary } = COLUMNS[key];
  const columns: FindingsSortColumn[] = [
    {
      ...primary,
      direction: descending !== Boolean(inverted) ? 'desc' : 'asc',
    },
  ];
  if (key !== 'severity') {
    columns.push({
      column: 'f.severity_rank',
      field: 'severity_rank',
      type: 'number',
      direction: 'asc',
    });
  }
  return columns;
}

/** The cursor that continues after a row of a findings page. */
export function cursorAfter(sort: FindingSort, row: Record<string, any>) {
  return {
    sort,
    values: findingsSortColumns(sort).map(c => {
      const value = row[c.field];
      if (c.type === 'date') return toDate(value).getTime();
      if (c.type === 'number') return toNumber(value);
      return String(value);
    }),
    id: toNumber(row.id),
  };
}

/**
 * The database values of a cursor's sort values; undefined when they do not fit
 * the sort (a cursor made by hand, or for another order).
 */
export function cursorBindings(
  cursor: FindingsCursor,
): Array<string | number | Date> | undefined {
  if (!isFindingSort(cursor.sort)) return undefined;
  const columns = findingsSortColumns(cursor.sort);
  if (cursor.values.length !== columns.length) return undefined;
  const out: Array<string | number | Date> = [];
  for (let i = 0; i < columns.length; i++) {
    const value = cursor.values[i];
    const type = columns[i].type;
    if (type === 'string') {
      if (typeof value !== 'string') return undefined;
      out.push(value);
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return undefined;
      }
      out.push(type === 'date' ? new Date(value) : value);
    }
  }
  return out;
}

/** The resource sort key of a finding: lower-case `<kind> <namespace>/<name>`. */
export function resourceSortKey(resource: FindingResource): string {
  const namespace =
    resource.namespace !== undefined && resource.namespace !== null
      ? `${resource.namespace}/`
      : '';
  return `${resource.kind ?? ''} ${namespace}${
    resource.name ?? resource.uid
  }`.toLocaleLowerCase('en-US');
}
