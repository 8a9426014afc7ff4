import { useFocusSection } from '../../lib/useFocusSection.ts';
import { AlertChannelsPanel } from './AlertChannelsPanel.tsx';
import { AlertRulesPanel } from './AlertRulesPanel.tsx';
import { BudgetsPanel } from './BudgetsPanel.tsx';
import { PriceSettings, RotationSettings, ThresholdSettings } from './DefaultsPanels.tsx';
import { EmbeddingSettings, GeneralSettings, HealthSettings } from './GeneralSettings.tsx';
import { LeaderboardWeightsPanel } from './LeaderboardWeightsPanel.tsx';
import { ProfilesPanel } from './ProfilesPanel.tsx';

export function SettingsPage() {
  useFocusSection();
  return (
    <div className="page">
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      <ProfilesPanel />
      <AlertChannelsPanel />
      <AlertRulesPanel />
      <BudgetsPanel />
      <GeneralSettings />
      <HealthSettings />
      <ThresholdSettings />
      <EmbeddingSettings />
      <PriceSettings />
      <RotationSettings />
      <LeaderboardWeightsPanel />
    </div>
  );
}
