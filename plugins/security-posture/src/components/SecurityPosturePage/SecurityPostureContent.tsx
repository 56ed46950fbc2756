import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { FrameworksTab } from './FrameworksTab';
import { LeaderboardTab } from './LeaderboardTab';
import { OwnershipTab } from './OwnershipTab';
import { ExemptionsTab, ResponseTab } from '../governance';

const TABS = [
  { id: 'leaderboard', label: 'Leaderboard', render: () => <LeaderboardTab /> },
  { id: 'ownership', label: 'Ownership', render: () => <OwnershipTab /> },
  { id: 'frameworks', label: 'Frameworks', render: () => <FrameworksTab /> },
  { id: 'response', label: 'Response', render: () => <ResponseTab /> },
  { id: 'exemptions', label: 'Exemptions', render: () => <ExemptionsTab /> },
];

/**
 * The body of the Security Posture page: leaderboard, ownership report and
 * framework compliance as tabs.
 */
export function SecurityPostureContent() {
  const [tab, setTab] = useState(0);
  return (
    <div>
      <Tabs
        value={tab}
        onChange={(_e, next) => setTab(next)}
        aria-label="Security posture views"
        indicatorColor="primary"
      >
        {TABS.map((t, i) => (
          <Tab
            key={t.id}
            label={t.label}
            id={`sp-tab-${t.id}`}
            aria-controls={`sp-tabpanel-${t.id}`}
            value={i}
          />
        ))}
      </Tabs>
      {TABS.map((t, i) => (
        <div
          key={t.id}
          role="tabpanel"
          hidden={tab !== i}
          id={`sp-tabpanel-${t.id}`}
          aria-labelledby={`sp-tab-${t.id}`}
        >
          {tab === i && <Box pt={3}>{t.render()}</Box>}
        </div>
      ))}
    </div>
  );
}
