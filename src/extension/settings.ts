// The `hive.*` settings, read live (every call reads the current configuration).
import * as vscode from 'vscode';
import type { ToolCategory } from '../runtime/agent/types';
import { resolveHiveHome } from '../runtime/storage/home';

export const TOOL_CATEGORIES: readonly ToolCategory[] = ['read', 'write', 'command', 'control'];

export interface HiveSettings {
  /** Empty: configuration.json or the built-in default decides. */
  model: string;
  /** 0: configuration.json or the built-in default decides. */
  maxTokens: number;
  apiBaseUrl: string;
  autoApprove: ToolCategory[];
  workerConcurrency: number;
  /** The chat header's model choices. */
  models: string[];
  /** Extended thinking budget in tokens; 0 = off (the API's minimum is 1024). */
  thinkingBudget: number;
}

/** Offered when `hive.models` is empty: current Claude models, most capable first. */
export const DEFAULT_MODEL_CHOICES: readonly string[] = [
  'claude-opus-4-6',
  'claude-sonnet-4-6',
  'claude-haiku-4-5',
];

export function readSettings(): HiveSettings {
  const c = vscode.workspace.getConfiguration('hive');
  const auto = c.get<unknown>('autoApprove');
  return {
    model: str(c.get('model')),
    maxTokens: positiveInt(c.get('maxTokens')) ?? 0,
    apiBaseUrl: str(c.get('apiBaseUrl')),
    autoApprove: Array.isArray(auto) ? TOOL_CATEGORIES.filter((k) => auto.includes(k)) : [],
    workerConcurrency: positiveInt(c.get('workerConcurrency')) ?? 4,
    models: modelList(c.get('models')),
    thinkingBudget: positiveInt(c.get('thinking.budgetTokens')) ?? 0,
  };
}

/** HIVE_HOME: setting `hive.home` > HIVE_HOME env > ~/.hive. */
export function hiveHomeSetting(): string {
  return resolveHiveHome(str(vscode.workspace.getConfiguration('hive').get('home')) || undefined);
}

function modelList(v: unknown): string[] {
  const list = Array.isArray(v) ? v.map(str).filter(Boolean) : [];
  return list.length > 0 ? [...new Set(list)] : [...DEFAULT_MODEL_CHOICES];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : undefined;
}
