import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  Link,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  CATEGORY_IDS,
  CATEGORY_TITLES,
  DEFAULT_FINDING_SORT,
  SEVERITIES,
  type CategoryId,
  type Finding,
  type FindingSort,
  type FindingSortKey,
  type FindingStatus,
  type Severity,
} from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef, type EntityName } from '../../api';
import { ExemptionBadge } from '../common/ExemptionBadge';
import { FixWithTemplateButton } from '../governance/FixWithTemplateButton';
import { SeverityChip } from '../common/Severity';
import { formatDate, formatValue } from '../../utils/format';
import { downloadText, toCsv } from '../../utils/csv';

const STATUSES: FindingStatus[] = ['open', 'exempted', 'resolved', 'error'];

/** The orders the server sorts findings in, as offered to the user. */
export const FINDING_SORT_OPTIONS: Array<{
  value: FindingSort;
  label: string;
}> = [
  { value: '-severity', label: 'Severity, most severe first' },
  { value: 'severity', label: 'Severity, least severe first' },
  { value: '-firstSeen', label: 'First seen, newest first' },
  { value: 'firstSeen', label: 'First seen, oldest first' },
  { value: '-lastSeen', label: 'Last seen, newest first' },
  { value: 'lastSeen', label: 'Last seen, oldest first' },
  { value: 'check', label: 'Check, A–Z' },
  { value: '-check', label: 'Check, Z–A' },
  { value: 'resource', label: 'Resource, A–Z' },
  { value: '-resource', label: 'Resource, Z–A' },
  { value: 'category', label: 'Category, A–Z' },
  { value: '-category', label: 'Category, Z–A' },
  { value: 'status', label: 'Status, A–Z' },
  { value: '-status', label: 'Status, Z–A' },
];

/** Key and direction of a sort order. */
function parseSort(sort: FindingSort): {
  key: FindingSortKey;
  direction: 'asc' | 'desc';
} {
  return sort.startsWith('-')
    ? { key: sort.slice(1) as FindingSortKey, direction: 'desc' }
    : { key: sort as FindingSortKey, direction: 'asc' };
}

/** Rows stay in the order the server sent them (the table must not re-sort a page). */
const serverOrder = () => 0;
/** Findings per page. */
export const FINDINGS_PAGE_SIZE = 25;
/** Page size and cap when exporting every finding to CSV. */
const EXPORT_PAGE_SIZE = 500;
const EXPORT_MAX = 20000;

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'flex-end',
    marginBottom: theme.spacing(2),
  },
  select: { minWidth: 160 },
  mono: { fontFamily: 'monospace', fontSize: '0.8rem', wordBreak: 'break-all' },
  pager: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'flex-end',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
  },
}));

/** Columns of the findings CSV export. */
export const FINDINGS_CSV_COLUMNS: Array<{
  header: string;
  value: (f: Finding) => unknown;
}> = [
  { header: 'entity', value: f => f.entityRef },
  { header: 'severity', value: f => f.severity },
  { header: 'status', value: f => f.status },
  { header: 'check', value: f => f.checkId },
  { header: 'title', value: f => f.title },
  { header: 'category', value: f => f.category },
  { header: 'control', value: f => f.control },
  { header: 'resource', value: f => resourceLabel(f) },
  { header: 'resource type', value: f => f.resource.type },
  { header: 'source', value: f => f.resource.source ?? '' },
  {
    header: 'evidence',
    value: f =>
      f.evidence.map(e => `${e.path} = ${formatValue(e.value)}`).join('; '),
  },
  { header: 'message', value: f => f.message },
  { header: 'remediation', value: f => f.remediation.text },
  { header: 'remediation url', value: f => f.remediation.url },
  { header: 'first seen', value: f => f.firstSeen },
  { header: 'last seen', value: f => f.lastSeen },
  { header: 'resolved at', value: f => f.resolvedAt ?? '' },
  { header: 'exemption reason', value: f => f.exemption?.reason ?? '' },
  { header: 'exemption expires', value: f => f.exemption?.expires ?? '' },
];

function resourceLabel(f: Finding): string {
  const r = f.resource;
  const name = r.namespace ? `${r.namespace}/${r.name}` : r.name;
  return `${r.kind} ${name}`;
}

function FilterSelect<T extends string>(props: {
  id: string;
  label: string;
  value: T | '';
  options: Array<{ value: T; label: string }>;
  onChange: (value: T | '') => void;
  /** Offers "All" (no filter); true by default. */
  allowAll?: boolean;
}) {
  const classes = useStyles();
  return (
    <FormControl className={classes.select}>
      <InputLabel shrink id={`${props.id}-label`}>
        {props.label}
      </InputLabel>
      <Select
        labelId={`${props.id}-label`}
        id={props.id}
        displayEmpty
        value={props.value}
        onChange={e => props.onChange(e.target.value as T | '')}
      >
        {props.allowAll !== false && <MenuItem value="">All</MenuItem>}
        {props.options.map(o => (
          <MenuItem key={o.value} value={o.value}>
            {o.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/**
 * An entity's findings: filtered and sorted on the server (by severity,
 * category, status, first or last seen, check or resource; the column headers
 * and the "Sort by" control both ask the server), paged with the server's
 * cursor, exportable to CSV in the same order.
 */
export function FindingsTable(props: {
  entity: EntityName;
  entityRef: string;
  reloadKey?: number;
  pageSize?: number;
}) {
  const classes = useStyles();
  const api = useApi(securityPostureApiRef);
  const alertApi = useApi(alertApiRef);
  const pageSize = props.pageSize ?? FINDINGS_PAGE_SIZE;
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [category, setCategory] = useState<CategoryId | ''>('');
  const [status, setStatus] = useState<FindingStatus | ''>('');
  const [sort, setSort] = useState<FindingSort>(DEFAULT_FINDING_SORT);
  // Remounts the table when the order is chosen outside its headers, so the
  // header shows it.
  const [tableKey, setTableKey] = useState(0);
  // cursors[i] is the cursor of page i (undefined for the first page)
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const [exporting, setExporting] = useState(false);
  const pageIndex = cursors.length - 1;
  const { entity, reloadKey } = props;

  const filters = {
    severity: severity || undefined,
    category: category || undefined,
    status: status || undefined,
    sort,
  };
  const { value, loading, error } = useAsync(
    () =>
      api.getFindings(entity, {
        ...filters,
        limit: pageSize,
        cursor: cursors[pageIndex],
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [
      api,
      entity.kind,
      entity.namespace,
      entity.name,
      severity,
      category,
      status,
      sort,
      cursors,
      pageSize,
      reloadKey,
    ],
  );

  const resetPaging = () => setCursors([undefined]);

  const exportCsv = useCallback(async () => {
    setExporting(true);
    try {
      const all: Finding[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.getFindings(entity, {
          ...filters,
          limit: EXPORT_PAGE_SIZE,
          cursor,
        });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && all.length < EXPORT_MAX);
      downloadText(
        `security-findings-${entity.kind}-${entity.namespace}-${entity.name}.csv`.toLocaleLowerCase(
          'en-US',
        ),
        toCsv(all, FINDINGS_CSV_COLUMNS),
      );
    } catch (e) {
      alertApi.post({
        message: `Could not export findings: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setExporting(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [
    api,
    alertApi,
    entity.kind,
    entity.namespace,
    entity.name,
    severity,
    category,
    status,
    sort,
  ]);

  const current = parseSort(sort);
  /** A column the server sorts: keeps the page's order, shows the current one. */
  const sortedBy = (key: FindingSortKey) => ({
    customSort: serverOrder,
    ...(current.key === key ? { defaultSort: current.direction } : {}),
  });
  const columnKeys: Array<FindingSortKey | undefined> = [];

  const columns: TableColumn<Finding>[] = [
    {
      title: 'Severity',
      field: 'severity',
      width: '9%',
      ...sortedBy('severity'),
      render: f => <SeverityChip severity={f.severity} />,
    },
    {
      title: 'Check',
      field: 'checkId',
      width: '16%',
      ...sortedBy('check'),
      render: f => (
        <>
          <Typography variant="body2">{f.title}</Typography>
          <Typography variant="caption" color="textSecondary">
            {f.checkId} · {CATEGORY_TITLES[f.category] ?? f.category}
          </Typography>
        </>
      ),
    },
    {
      title: 'Status',
      field: 'status',
      width: '8%',
      ...sortedBy('status'),
      render: f =>
        f.exemption && f.status === 'exempted' ? (
          <ExemptionBadge exemption={f.exemption} />
        ) : (
          <>
            <Typography variant="body2">{f.status}</Typography>
            {f.status === 'resolved' && f.resolvedAt && (
              <Typography variant="caption" color="textSecondary">
                {formatDate(f.resolvedAt)}
              </Typography>
            )}
            {f.exemption && f.status !== 'exempted' && (
              <ExemptionBadge exemption={f.exemption} />
            )}
          </>
        ),
    },
    {
      title: 'Resource',
      field: 'resource.name',
      width: '16%',
      ...sortedBy('resource'),
      render: f => (
        <>
          <Typography variant="body2">{resourceLabel(f)}</Typography>
          <Typography
            variant="caption"
            color="textSecondary"
            className={classes.mono}
          >
            {f.resource.address ?? f.resource.type}
            {f.resource.source ? ` · ${f.resource.source}` : ''}
          </Typography>
        </>
      ),
    },
    {
      title: 'Evidence',
      sorting: false,
      width: '24%',
      render: f =>
        f.evidence.length ? (
          <ul style={{ margin: 0, paddingLeft: 16 }}>
            {f.evidence.map((e, i) => (
              <li key={i} className={classes.mono}>
                {e.address ? `${e.address}: ` : ''}
                {e.path} = {formatValue(e.value)}
              </li>
            ))}
          </ul>
        ) : (
          <Typography variant="body2">{f.message}</Typography>
        ),
    },
    {
      title: 'Remediation',
      sorting: false,
      width: '17%',
      render: f => (
        <>
          <Typography variant="body2">{f.remediation.text}</Typography>
          {f.remediation.url && (
            <Link
              to={f.remediation.url}
              aria-label={`Remediation guide for ${f.title}`}
              data-testid="remediation-link"
            >
              How to fix
            </Link>
          )}
          {f.status !== 'resolved' && (
            <FixWithTemplateButton fix={f.fix} findingTitle={f.title} />
          )}
        </>
      ),
    },
    {
      title: 'First seen',
      field: 'firstSeen',
      width: '10%',
      ...sortedBy('firstSeen'),
      render: f => formatDate(f.firstSeen),
    },
  ];
  columnKeys.push(
    'severity',
    'check',
    'status',
    'resource',
    undefined,
    undefined,
    'firstSeen',
  );

  /** A column header was clicked: ask the server for that order. */
  const onOrderChange = (column: number, direction: 'asc' | 'desc' | '') => {
    const key = columnKeys[column];
    let next: FindingSort = DEFAULT_FINDING_SORT;
    if (key && direction) {
      next = direction === 'desc' ? `-${key}` : key;
    }
    if (next !== sort) {
      setSort(next);
      resetPaging();
    }
  };

  const total = value?.totalCount ?? 0;
  const from = total === 0 ? 0 : pageIndex * pageSize + 1;
  const to = pageIndex * pageSize + (value?.items.length ?? 0);

  return (
    <div>
      <div className={classes.filters}>
        <FilterSelect
          id="sp-filter-severity"
          label="Severity"
          value={severity}
          options={SEVERITIES.map(s => ({ value: s, label: s }))}
          onChange={v => {
            setSeverity(v);
            resetPaging();
          }}
        />
        <FilterSelect
          id="sp-filter-category"
          label="Category"
          value={category}
          options={CATEGORY_IDS.map(c => ({
            value: c,
            label: CATEGORY_TITLES[c],
          }))}
          onChange={v => {
            setCategory(v);
            resetPaging();
          }}
        />
        <FilterSelect
          id="sp-filter-status"
          label="Status"
          value={status}
          options={STATUSES.map(s => ({ value: s, label: s }))}
          onChange={v => {
            setStatus(v);
            resetPaging();
          }}
        />
        <FilterSelect
          id="sp-sort"
          label="Sort by"
          value={sort}
          allowAll={false}
          options={FINDING_SORT_OPTIONS}
          onChange={v => {
            setSort(v || DEFAULT_FINDING_SORT);
            setTableKey(k => k + 1);
            resetPaging();
          }}
        />
        <Box flexGrow={1} />
        <Button
          variant="outlined"
          size="small"
          startIcon={<GetAppIcon />}
          onClick={exportCsv}
          disabled={exporting || total === 0}
        >
          {exporting ? 'Exporting…' : 'Export findings (CSV)'}
        </Button>
      </div>
      {error ? (
        <ResponseErrorPanel error={error} title="Could not load findings" />
      ) : (
        <Table<Finding>
          key={tableKey}
          title={`Findings (${total})`}
          isLoading={loading}
          columns={columns}
          data={value?.items ?? []}
          onOrderChange={onOrderChange}
          options={{
            paging: false,
            search: false,
            padding: 'dense',
            draggable: false,
            tableLayout: 'fixed',
            // A header starts ascending and toggles: asc ↔ desc.
            keepSortDirectionOnColumnSwitch: false,
            thirdSortClick: false,
          }}
          emptyContent={
            <Box p={2}>
              <Typography variant="body2">
                {severity || category || status
                  ? 'No findings match these filters.'
                  : 'No findings: every check that applies passes.'}
              </Typography>
            </Box>
          }
        />
      )}
      <nav className={classes.pager} aria-label="Findings pages">
        <Typography variant="body2" role="status">
          {total > 0 ? `${from}–${to} of ${total}` : ''}
        </Typography>
        <Button
          size="small"
          disabled={pageIndex === 0 || loading}
          onClick={() => setCursors(c => c.slice(0, -1))}
        >
          Previous page
        </Button>
        <Button
          size="small"
          disabled={!value?.nextCursor || loading}
          onClick={() =>
            value?.nextCursor && setCursors(c => [...c, value.nextCursor!])
          }
        >
          Next page
        </Button>
      </nav>
    </div>
  );
}
