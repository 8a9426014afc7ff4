import { Tabs } from 'radix-ui';
import { useSearchParams } from 'react-router';
import { AppLogsView } from './AppLogsView.tsx';
import { FileLogsView } from './FileLogsView.tsx';
import { MergedLogsView } from './MergedLogsView.tsx';

export function LogsPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'files' || params.get('tab') === 'merged' ? params.get('tab')! : 'app';
  return (
    <div className="page" style={{ height: '100%' }}>
      <div className="page-header">
        <h1>Logs</h1>
        <p>The app’s own structured logs, any local log file, and several files merged by time.</p>
      </div>
      <Tabs.Root value={tab} onValueChange={(v) => setParams(v === 'app' ? {} : { tab: v })} className="page-fill">
        <Tabs.List className="tabs-list" aria-label="Log sources">
          <Tabs.Trigger value="app">App logs</Tabs.Trigger>
          <Tabs.Trigger value="files">Files</Tabs.Trigger>
          <Tabs.Trigger value="merged">Merged by time</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="app" className="tabs-content">
          <AppLogsView initialRunId={params.get('run') ?? undefined} />
        </Tabs.Content>
        <Tabs.Content value="files" className="tabs-content">
          <FileLogsView />
        </Tabs.Content>
        <Tabs.Content value="merged" className="tabs-content">
          <MergedLogsView />
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}
