import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import Tooltip from '@material-ui/core/Tooltip';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import type { Exemption } from '@internal/backstage-plugin-security-posture-common';
import { formatDate } from '../../utils/format';

/** Whether an exemption's expiry has passed. */
export function isExpired(exemption: Exemption, now = Date.now()): boolean {
  const expires = new Date(exemption.expires).getTime();
  return !Number.isNaN(expires) && expires < now;
}

/** An exemption as a badge with its reason, approver, ticket and expiry in words. */
export function ExemptionBadge(props: { exemption: Exemption }) {
  const { exemption } = props;
  const expired = isExpired(exemption);
  const details = [
    `Reason: ${exemption.reason}`,
    `approved by ${exemption.approver}`,
    exemption.ticket ? `ticket ${exemption.ticket}` : undefined,
    `${expired ? 'expired' : 'expires'} ${formatDate(exemption.expires)}`,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <div>
      <Tooltip title={details}>
        <Chip
          size="small"
          variant="outlined"
          icon={<VerifiedUserIcon aria-hidden />}
          label={expired ? 'Exemption expired' : 'Exempted'}
        />
      </Tooltip>
      <Typography variant="caption" display="block">
        {expired ? 'Expired' : 'Until'} {formatDate(exemption.expires)}:{' '}
        {exemption.reason} ({exemption.approver}
        {exemption.ticket ? `, ${exemption.ticket}` : ''})
      </Typography>
    </div>
  );
}
