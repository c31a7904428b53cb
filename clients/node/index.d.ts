// Types of the pipetop client for Node (CommonJS, no dependencies).

export type JobStatus = 'completed' | 'failed' | 'canceled';
export type PhaseStatus = 'done' | 'failed' | 'skipped';
export type StepState = 'running' | 'done' | 'failed';
export type JobState = 'pending' | 'running' | 'pausing' | 'paused' | 'completing' | 'canceling' | JobStatus;
export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Severity = 'info' | 'warning' | 'critical';
export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

export interface JobOptions {
  /** Phases declared up front (shown pending until they start). */
  phases?: string[];
  /** The job's id (default: the name, or $PIPETOP_JOB under `pipetop run`). */
  id?: string;
  labels?: Record<string, string>;
}

export interface PhaseOptions {
  total?: number;
  unit?: string;
}

export interface Counts {
  failed?: number;
  skipped?: number;
}

/** CryoProtect's tracker.update: success → done, error → failed (all added). */
export interface Update {
  increment?: number;
  success?: number;
  error?: number;
  skipped?: number;
  /** With `error`: a warning log line with this category. */
  errorCategory?: string;
}

export interface ResumeOptions {
  /** ms to wait for the engine (default 2000). */
  timeout?: number;
  /** The engine's whole answer ({known, state, run, checkpoint}) instead of the data. */
  full?: boolean;
}

export class Phase {
  readonly job: Job;
  readonly name: string;
  total: number | null;
  readonly unit: string | null;
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
  start(): this;
  advance(n?: number, counts?: Counts): this;
  update(u: Update): this;
  set(counts: { done?: number; failed?: number; skipped?: number; total?: number }): this;
  step(step: string, state?: StepState, detail?: string): this;
  end(status?: PhaseStatus, error?: string): void;
}

export class Job {
  readonly id: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  /** False under `pipetop run`: the job is run's, which ends it. */
  readonly owned: boolean;
  start(): this;
  phase(name: string, opts?: PhaseOptions): Phase;
  phase<T>(name: string, fn: (phase: Phase) => T): T;
  phase<T>(name: string, opts: PhaseOptions, fn: (phase: Phase) => T): T;
  checkpoint(name: string, data?: JSONValue, opts?: { phase?: string }): void;
  metric(name: string, value: number, opts?: { kind?: 'gauge' | 'counter'; phase?: string }): void;
  log(message: string, opts?: { level?: Level; phase?: string; category?: string }): void;
  alert(message: string, opts?: { severity?: Severity; name?: string; phase?: string; labels?: Record<string, string>;
    context?: { [key: string]: JSONValue }; resolved?: boolean }): void;
  state(state: JobState): void;
  end(status?: JobStatus, error?: string): Promise<boolean>;
  fail(error: unknown): Promise<boolean>;
}

/** A job, started. */
export function job(name: string, opts?: JobOptions): Job;
/** Runs fn as a job: completed when it returns, failed with the error's text when it throws. */
export function job<T>(name: string, fn: (job: Job) => T | Promise<T>): Promise<T>;
export function job<T>(name: string, opts: JobOptions, fn: (job: Job) => T | Promise<T>): Promise<T>;
export function flush(timeout?: number): Promise<boolean>;
/**
 * The data of the job's last checkpoint, from the engine (null when none or no engine). Ask
 * before the job starts again: a new run of a finished job starts with no checkpoint.
 */
export function resume(jobId: string, opts?: ResumeOptions): Promise<JSONValue | null>;
export function socketPath(): string;
export function spoolDir(socket?: string): [string, string];
export const version: string;
