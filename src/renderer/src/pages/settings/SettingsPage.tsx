import { GeneralSettings } from './GeneralSettings.tsx';
import { ProfilesPanel } from './ProfilesPanel.tsx';

export function SettingsPage() {
  return (
    <div className="page">
      <div className="page-header">
        <h1>Settings</h1>
      </div>
      <ProfilesPanel />
      <GeneralSettings />
    </div>
  );
}
