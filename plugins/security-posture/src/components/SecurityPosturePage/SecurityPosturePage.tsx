import { Content, Header, Page } from '@backstage/core-components';
import { SecurityPostureContent } from './SecurityPostureContent';

/**
 * The Security Posture page for apps on the legacy frontend system: team
 * leaderboard, ownership report and framework compliance.
 *
 * @public
 */
export const SecurityPosturePage = () => (
  <Page themeId="tool">
    <Header
      title="Security Posture"
      subtitle="Scores of every team, unowned resources and framework compliance"
    />
    <Content>
      <SecurityPostureContent />
    </Content>
  </Page>
);
