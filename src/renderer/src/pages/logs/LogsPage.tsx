import { Tabs } from 'radix-ui';
import { useSearchParams } from 'react-router';
import { AppLogsView } from './AppLogsView.tsx';
import { FileLogsView } from './FileLogsView.tsx';

export function LogsPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'files' ? 'files' : 'app';
  return (
    <div className="page" style={{ height: '100%' }}>
      <div className="page-header">
        <h1>Logs</h1>
        <p>The app’s own structured logs, and any local log file.</p>
      </div>
      <Tabs.Root value={tab} onValueChange={(v) => setParams(v === 'files' ? { tab: 'files' } : {})} className="page-fill">
        <Tabs.List className="tabs-list" aria-label="Log sources">
          <Tabs.Trigger value="app">App logs</Tabs.Trigger>
          <Tabs.Trigger value="files">Files</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="app" className="tabs-content">
          <AppLogsView initialRunId={params.get('run') ?? undefined} />
        </Tabs.Content>
        <Tabs.Content value="files" className="tabs-content">
          <FileLogsView />
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}
