import { Link } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';
import BuildIcon from '@material-ui/icons/Build';
import type { FindingFixTemplate } from '@internal/backstage-plugin-security-posture-common';

const useStyles = makeStyles(theme => ({
  link: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(0.5),
    padding: theme.spacing(0.25, 1),
    border: `1px solid ${theme.palette.primary.main}`,
    borderRadius: theme.shape.borderRadius,
    whiteSpace: 'nowrap',
    fontSize: theme.typography.body2.fontSize,
  },
  icon: { fontSize: '1rem' },
}));

/**
 * "Fix with template": a link that opens the Software Template configured for
 * the finding's check in the scaffolder, its form prefilled from the finding.
 */
export function FixWithTemplateButton(props: {
  fix: FindingFixTemplate | undefined;
  findingTitle: string;
}) {
  const classes = useStyles();
  const { fix, findingTitle } = props;
  if (!fix) return null;
  return (
    <Link
      to={fix.url}
      className={classes.link}
      title={`${fix.title} (${fix.templateRef})`}
      aria-label={`Fix with template: ${fix.title}, for ${findingTitle}`}
    >
      <BuildIcon className={classes.icon} aria-hidden />
      Fix with template
    </Link>
  );
}
