// Timer and webhook triggers: definitions (triggers.json), schedules, the manager, the webhook server.
export type { Clock, Timers, TriggerLogger } from './clock';
export { systemClock, systemTimers } from './clock';
export { CronError, type CronSchedule, CronTimer, cronRunsAfter, parseCron } from './cron-schedule';
export {
  DEFAULT_WEBHOOK_PORT,
  describeProblem,
  isEnabled,
  mutateTriggersFile,
  parseTriggerList,
  patchTriggerEntry,
  readTriggersFile,
  removeTriggerEntry,
  saveTriggerFields,
  TRIGGERS_FILE,
  type TriggerDefinition,
  TriggerFileError,
  type TriggerList,
  type TriggerProblem,
  type TriggerType,
  TriggerValidationError,
  triggersFilePath,
  upsertTriggerEntry,
  validateTriggerDefinition,
  WEBHOOK_METHODS,
  type WebhookSettings,
  webhookSettings,
} from './definitions';
export { formatTriggerBatch, formatTriggerBlock, type TriggerFire } from './injection';
export { IntervalTimer, nextIntervalFire } from './interval-timer';
export type { MissedTrigger } from './missed';
export { pythonJsonDumps } from './python-json';
export { describeTriggersForQueen } from './queen-text';
export { DEFAULT_WEBHOOK_RATE_LIMIT, type RateLimit, TokenBucket } from './rate-limit';
export {
  describeSchedule,
  firesBetween,
  nextFireAt,
  nextFires,
  type Schedule,
  ScheduleError,
  scheduleOf,
} from './schedule';
export {
  FileSecretStore,
  generateWebhookSecret,
  MemorySecretStore,
  SECRETS_FILE,
  type TriggerSecretStore,
} from './secrets';
export { SessionTriggers, type SessionTriggersHost } from './session-triggers';
export {
  type TriggerLoadResult,
  TriggerManager,
  type TriggerManagerOptions,
  TriggerNotFoundError,
  type TriggerUpdate,
  type TriggerView,
} from './trigger-manager';
export { STATE_FILE } from './trigger-state';
export { triggerSummary, triggerTools } from './trigger-tools';
export { SECRET_HEADER, signBody } from './webhook-auth';
export type { WebhookInfo } from './webhook-info';
export {
  DEFAULT_MAX_BODY_BYTES,
  WEBHOOK_HOST,
  type WebhookDecision,
  type WebhookRequestInfo,
  type WebhookRouteSpec,
  WebhookServer,
  type WebhookServerOptions,
} from './webhook-server';
