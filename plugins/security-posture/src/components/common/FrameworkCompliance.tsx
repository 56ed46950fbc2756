import { useState } from 'react';
import { Table, type TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import type { FrameworkCompliance } from '@internal/backstage-plugin-security-posture-common';
import { formatPercent } from '../../utils/format';

/**
 * Passing framework controls as a labelled bar with `passing/evaluated (percent)`;
 * says so when no control of the framework was evaluated.
 */
export function FrameworkBar(props: {
  framework: FrameworkCompliance;
  /** Who the figure is about, for the bar's accessible name. */
  subject?: string;
  adjusted?: boolean;
  width?: number;
  /** Percent above the bar and `passing/evaluated` below it (narrow table cells). */
  compact?: boolean;
}) {
  const f = props.framework;
  const passing = props.adjusted ? f.adjustedPassing : f.passing;
  const percent = props.adjusted ? f.adjustedPercent : f.percent;
  if (f.evaluated === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {f.unknown > 0
          ? `not evaluated (${f.unknown} with errors)`
          : 'not evaluated'}
      </Typography>
    );
  }
  const name = `${props.subject ? `${props.subject}, ` : ''}${f.title}: ${
    props.adjusted ? 'passing controls with exemptions' : 'passing controls'
  }`;
  const bar = (
    <LinearProgress
      variant="determinate"
      value={percent ?? 0}
      aria-label={name}
      aria-valuetext={`${passing} of ${
        f.evaluated
      } controls pass, ${formatPercent(percent)}`}
    />
  );
  if (props.compact) {
    return (
      <Box minWidth={72}>
        <Typography variant="body2">
          <strong>{formatPercent(percent)}</strong>
        </Typography>
        {bar}
        <Typography variant="caption" color="textSecondary" noWrap>
          {passing}/{f.evaluated} controls
        </Typography>
      </Box>
    );
  }
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      <Box width={props.width ?? 120} flexShrink={0}>
        {bar}
      </Box>
      <Typography variant="body2" component="span">
        {passing}/{f.evaluated} ({formatPercent(percent)})
      </Typography>
    </Box>
  );
}

/**
 * Compliance per framework of an entity or a team, as the server computed it at
 * scan time: the share of the evaluated framework controls whose checks all
 * pass, raw and with exemptions, and the failing controls with their checks.
 */
export function FrameworkComplianceTable(props: {
  frameworks: FrameworkCompliance[];
  title?: string;
  /** Whose compliance it is (team or entity), for accessible names. */
  subject?: string;
}) {
  const columns: TableColumn<FrameworkCompliance>[] = [
    {
      title: 'Framework',
      field: 'title',
      highlight: true,
      render: f => (
        <>
          <Typography variant="body2">{f.title}</Typography>
          <Typography variant="caption" color="textSecondary">
            {f.evaluated} of {f.mapped} mapped control
            {f.mapped === 1 ? '' : 's'} evaluated
          </Typography>
        </>
      ),
    },
    {
      title: 'Passing controls',
      field: 'percent',
      customSort: (a, b) => (a.percent ?? -1) - (b.percent ?? -1),
      render: f => <FrameworkBar framework={f} subject={props.subject} />,
    },
    {
      title: 'With exemptions',
      field: 'adjustedPercent',
      customSort: (a, b) =>
        (a.adjustedPercent ?? -1) - (b.adjustedPercent ?? -1),
      render: f =>
        f.evaluated > 0 && f.adjustedPassing !== f.passing ? (
          <FrameworkBar framework={f} subject={props.subject} adjusted />
        ) : (
          <Typography variant="body2" color="textSecondary">
            {f.evaluated > 0 ? 'the same' : '–'}
          </Typography>
        ),
    },
    {
      title: 'Failing controls',
      sorting: false,
      render: f => <FailingControls framework={f} />,
    },
  ];
  return (
    <Table<FrameworkCompliance>
      title={props.title ?? 'Framework compliance'}
      columns={columns}
      data={props.frameworks}
      options={{ paging: false, search: false, padding: 'dense' }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No check of the catalogue maps onto a compliance framework.
          </Typography>
        </Box>
      }
    />
  );
}

/** Ids listed before "and n more" when the failing controls are collapsed. */
const COLLAPSED_IDS = 12;
/** Checks listed per control when expanded. */
const CHECKS_SHOWN = 5;

/**
 * The failing controls of a framework: their ids (exempted ones marked), and on
 * demand the checks that fail each of them.
 */
function FailingControls(props: { framework: FrameworkCompliance }) {
  const f = props.framework;
  const [open, setOpen] = useState(false);
  if (f.failing === 0 || !f.failingControls) {
    return (
      <Typography variant="body2">
        {f.failing > 0 && `${f.failing} failing`}
        {f.failing === 0 && (f.evaluated > 0 ? 'none' : '–')}
      </Typography>
    );
  }
  const controls = f.failingControls;
  const more = f.failing - controls.length;
  const label = (id: string, exempted: boolean) =>
    exempted ? `${id} (exempted)` : id;
  return (
    <div>
      {!open && (
        <Typography variant="body2">
          {controls
            .slice(0, COLLAPSED_IDS)
            .map(c => label(c.id, c.exempted))
            .join(', ')}
          {f.failing > COLLAPSED_IDS &&
            ` and ${f.failing - COLLAPSED_IDS} more`}
        </Typography>
      )}
      {open && (
        <ul
          style={{ margin: 0, paddingLeft: 16 }}
          aria-label={`Failing ${f.title} controls`}
        >
          {controls.map(c => (
            <li key={c.id}>
              <Typography variant="body2" component="span">
                <strong>{label(c.id, c.exempted)}</strong>
                {c.checks.length > 0 &&
                  ` — ${c.checks.slice(0, CHECKS_SHOWN).join(', ')}`}
                {c.checks.length > CHECKS_SHOWN &&
                  ` and ${c.checks.length - CHECKS_SHOWN} more`}
              </Typography>
            </li>
          ))}
          {more > 0 && (
            <li>
              <Typography variant="body2" component="span">
                and {more} more
              </Typography>
            </li>
          )}
        </ul>
      )}
      <Button
        size="small"
        aria-expanded={open}
        aria-label={`${open ? 'Hide' : 'Show'} checks of failing ${
          f.title
        } controls`}
        onClick={() => setOpen(o => !o)}
      >
        {open ? 'Hide checks' : 'Show checks'}
      </Button>
    </div>
  );
}
