import type { ComponentType } from 'react';
import { AlertsPage } from '../pages/alerts/AlertsPage.tsx';
import { BackfillPage } from '../pages/backfill/BackfillPage.tsx';
import { CostsPage } from '../pages/costs/CostsPage.tsx';
import { EngineersPage } from '../pages/engineers/EngineersPage.tsx';
import { HealthPage } from '../pages/health/HealthPage.tsx';
import { JobsPage } from '../pages/jobs/JobsPage.tsx';
import { LeaderboardPage } from '../pages/leaderboard/LeaderboardPage.tsx';
import { LogsPage } from '../pages/logs/LogsPage.tsx';
import { QueriesPage } from '../pages/queries/QueriesPage.tsx';
import { RepositoriesPage } from '../pages/repos/RepositoriesPage.tsx';
import { RunbooksPage } from '../pages/runbooks/RunbooksPage.tsx';
import { SchedulesPage } from '../pages/schedules/SchedulesPage.tsx';
import { SearchPage } from '../pages/search/SearchPage.tsx';
import { SettingsPage } from '../pages/settings/SettingsPage.tsx';
import { SystemsPage } from '../pages/systems/SystemsPage.tsx';
import { WhatShippedPage } from '../pages/shipped/WhatShippedPage.tsx';
import { WorkersPage } from '../pages/workers/WorkersPage.tsx';

export interface PageRoute {
  path: string;
  label: string;
  /** Second key after `g` (vim-style go-to). */
  key: string;
  Component: ComponentType;
}

export const ROUTES: PageRoute[] = [
  { path: '/health', label: 'Health', key: 'h', Component: HealthPage },
  { path: '/backfill', label: 'Backfill', key: 'b', Component: BackfillPage },
  { path: '/repositories', label: 'Repositories', key: 'r', Component: RepositoriesPage },
  { path: '/search', label: 'Search', key: 'f', Component: SearchPage },
  { path: '/jobs', label: 'Jobs', key: 'j', Component: JobsPage },
  { path: '/logs', label: 'Logs', key: 'l', Component: LogsPage },
  { path: '/queries', label: 'Queries', key: 'q', Component: QueriesPage },
  { path: '/runbooks', label: 'Runbooks', key: 'u', Component: RunbooksPage },
  { path: '/alerts', label: 'Alerts', key: 'a', Component: AlertsPage },
  { path: '/costs', label: 'Costs', key: 'c', Component: CostsPage },
  { path: '/settings', label: 'Settings', key: 's', Component: SettingsPage },
  { path: '/schedules', label: 'Schedules', key: 'k', Component: SchedulesPage },
  { path: '/systems', label: 'Systems', key: 'y', Component: SystemsPage },
  { path: '/leaderboard', label: 'Leaderboard', key: 'd', Component: LeaderboardPage },
  { path: '/engineers', label: 'Engineers', key: 'e', Component: EngineersPage },
  { path: '/shipped', label: 'What Shipped', key: 'w', Component: WhatShippedPage },
  { path: '/workers', label: 'Workers', key: 'o', Component: WorkersPage },
];
