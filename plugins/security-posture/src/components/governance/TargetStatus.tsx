import { InfoCard } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import FlagIcon from '@material-ui/icons/Flag';
import type {
  PostureTargetStatus,
  TeamTargetSummary,
} from '@internal/backstage-plugin-security-posture-common';
import { PointsToGainList } from '../common/PointsToGain';

const useStyles = makeStyles(theme => ({
  met: {
    borderColor: theme.palette.success.dark,
    color: theme.palette.success.dark,
  },
  missed: {
    backgroundColor: theme.palette.error.dark,
    color: theme.palette.common.white,
  },
  icon: { color: 'inherit' },
  reasons: { margin: theme.spacing(1, 0), paddingLeft: theme.spacing(3) },
}));

/** The rule of a target in words: `at least 90% (with exemptions), no critical finding`. */
export function describeTarget(target: PostureTargetStatus): string {
  const parts: string[] = [];
  if (target.minPercent !== undefined) {
    parts.push(
      `at least ${target.minPercent}%${
        target.basis === 'adjusted' ? ' (score with exemptions)' : ''
      }`,
    );
  }
  if (target.noCritical) parts.push('no open critical finding');
  return parts.join(', ');
}

/** Met or missed, as a chip whose text says it; the reasons in its tooltip. */
export function TargetChip(props: { target: PostureTargetStatus }) {
  const classes = useStyles();
  const { target } = props;
  const label = target.met
    ? `Meets target ${target.name}`
    : `Out of target ${target.name}`;
  const title = target.met
    ? `Target ${target.name}: ${describeTarget(target)}`
    : target.reasons.join('; ');
  return (
    <Tooltip title={title}>
      <Chip
        size="small"
        variant={target.met ? 'outlined' : 'default'}
        className={target.met ? classes.met : classes.missed}
        icon={
          target.met ? (
            <CheckCircleIcon className={classes.icon} aria-hidden />
          ) : (
            <FlagIcon className={classes.icon} aria-hidden />
          )
        }
        label={label}
        aria-label={`${label}. ${title}`}
      />
    </Tooltip>
  );
}

/** A team's entities against their targets: `2 of 5 entities out of target`. */
export function TeamTargetChip(props: { target: TeamTargetSummary }) {
  const classes = useStyles();
  const { target } = props;
  const ownMissed = target.own ? !target.own.met : false;
  let label: string;
  if (target.missed > 0) {
    label = `${target.missed} of ${target.evaluated} entit${
      target.evaluated === 1 ? 'y' : 'ies'
    } out of target`;
  } else if (ownMissed) {
    label = `Team out of target ${target.own!.name}`;
  } else {
    label = `All ${target.evaluated} entit${
      target.evaluated === 1 ? 'y' : 'ies'
    } on target`;
  }
  const details = [
    ...(target.own && !target.own.met ? target.own.reasons : []),
    ...(target.missedEntities?.length
      ? [`Out of target: ${target.missedEntities.join(', ')}`]
      : []),
  ].join('; ');
  return (
    <Tooltip title={details || label}>
      <Chip
        size="small"
        variant={target.outOfTarget ? 'default' : 'outlined'}
        className={target.outOfTarget ? classes.missed : classes.met}
        icon={
          target.outOfTarget ? (
            <FlagIcon className={classes.icon} aria-hidden />
          ) : (
            <CheckCircleIcon className={classes.icon} aria-hidden />
          )
        }
        label={label}
      />
    </Tooltip>
  );
}

/**
 * The entity's posture target on its tab: the rule, met or missed, why, and the
 * failing controls whose fixing would meet it.
 */
export function TargetCard(props: { target: PostureTargetStatus }) {
  const classes = useStyles();
  const { target } = props;
  return (
    <InfoCard
      title={`Target: ${target.name}`}
      subheader={`Required: ${describeTarget(target)}`}
    >
      <TargetChip target={target} />
      {!target.met && (
        <ul className={classes.reasons} aria-label="Why the target is missed">
          {target.reasons.map(r => (
            <li key={r}>
              <Typography variant="body2">{r}</Typography>
            </li>
          ))}
        </ul>
      )}
      {target.pointsToGain.length > 0 && (
        <>
          <Typography variant="subtitle2">
            Fixing these controls would reach {target.minPercent}%:
          </Typography>
          <PointsToGainList items={target.pointsToGain} />
        </>
      )}
      {target.criticalFindings > 0 && target.noCritical && (
        <Typography variant="body2">
          Fix or exempt the {target.criticalFindings} open critical finding
          {target.criticalFindings === 1 ? '' : 's'} (filter the findings below
          by severity).
        </Typography>
      )}
    </InfoCard>
  );
}
