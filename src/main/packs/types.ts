// What a system pack is: its runbook's read-only checks and its listed, confirmed actions.
import type { PackCheckResult, System, SystemKind } from '../../shared/contract/systems.ts';
import type { SystemDb } from './system-db.ts';

export type CheckOutcome = Omit<PackCheckResult, 'id' | 'title'>;

/** What a pack reaches the system through; each throws a clear error when not configured. */
export interface PackContext {
  system: System;
  db(): Promise<SystemDb>;
  redisUrl(): Promise<string>;
  /** The system's API service: base URL and headers (secret ones included). */
  api(): Promise<{ base: string; headers: Record<string, string> }>;
  signal: AbortSignal;
}

export interface PackCheck {
  id: string;
  title: string;
  /** Part of the system's health (the grid and the scheduled runs), not only of the pack page. */
  health?: boolean;
  /** What it needs; skipped in health when not configured. */
  needs: 'postgres' | 'redis' | 'http';
  run(ctx: PackContext): Promise<CheckOutcome>;
}

export type ActionParams = Record<string, string | number | boolean>;

/** Exactly what an action will do, computed before the operator confirms. */
export interface ActionPlan {
  operations: string[];
  impact: string;
  execute(): Promise<{ summary: string; affected: number | null }>;
}

export interface PackAction {
  id: string;
  title: string;
  description: string;
  params: Record<string, string>;
  destructive: boolean;
  plan(ctx: PackContext, params: ActionParams): Promise<ActionPlan>;
}

export interface Pack {
  kind: SystemKind;
  /** Tables whose presence names this kind (detection evidence). */
  signature: string[];
  checks: PackCheck[];
  actions: PackAction[];
}
