import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import {
  CATEGORY_TITLES,
  type PointsToGain,
} from '@internal/backstage-plugin-security-posture-common';
import { trimNumber } from '../../utils/format';

/** Failing controls ranked by what fixing them adds to the score. */
export function PointsToGainList(props: {
  items: PointsToGain[];
  max?: number;
}) {
  const items = props.items.slice(0, props.max ?? 10);
  if (items.length === 0) {
    return (
      <Typography variant="body2">
        Nothing to gain: no failing control.
      </Typography>
    );
  }
  return (
    <List dense aria-label="Points to gain">
      {items.map((item, index) => (
        <ListItem key={item.control} disableGutters>
          <ListItemText
            primary={`${index + 1}. ${item.title}`}
            secondary={`+${trimNumber(
              item.points,
            )} points (+${item.percentGain.toFixed(1)} pts overall) · ${
              CATEGORY_TITLES[item.category] ?? item.category
            }`}
          />
        </ListItem>
      ))}
    </List>
  );
}
