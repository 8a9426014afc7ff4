import type { Logger } from '../logging/logger.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import type { ScheduleService } from './schedule-service.ts';

/**
 * The timer of a long-running process: a scheduler pass every few seconds once the warehouse is
 * connected (a console connects when it is first used; a worker at start). Any number of these run
 * at once: the schedule row locks and the tick ledger keep each tick to one run.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failing = false;
  private readonly schedules: ScheduleService;
  private readonly warehouse: WarehouseService;
  private readonly log: Logger;
  private readonly intervalMs: number;

  constructor(schedules: ScheduleService, warehouse: WarehouseService, log: Logger, intervalMs: number) {
    this.schedules = schedules;
    this.warehouse = warehouse;
    this.log = log;
    this.intervalMs = intervalMs;
  }

  start(opts: { connect?: boolean } = {}): void {
    if (opts.connect) void this.warehouse.pool().catch(() => {});
    this.timer = setInterval(() => void this.pass(), this.intervalMs);
    this.timer.unref();
  }

  /** One pass, never two at once in this process. */
  pass(): Promise<void> {
    if (this.running) return this.running;
    if (!this.warehouse.connected()) return Promise.resolve();
    this.running = this.schedules
      .evaluate()
      .then(() => {
        if (this.failing) this.log.info('scheduler_recovered', 'Scheduler passes work again');
        this.failing = false;
      })
      .catch((e: Error) => {
        if (!this.failing) this.log.warn('scheduler_pass_failed', `Scheduler pass failed (retrying every ${this.intervalMs / 1000} s): ${e.message}`);
        this.failing = true;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
