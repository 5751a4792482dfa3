// The one protocol between the extension host and the chat webview, both directions.
// The webview is untrusted: everything it sends goes through parseWebviewMessage before the host acts.
// This module is shared by Node and browser code, so it imports nothing but zod.
// zod/mini rather than classic zod: the same validation in ~20 kB of webview bundle instead of ~450 kB.
import * as z from 'zod/mini';

/** Longest free text the webview may send (user message, answer, reply, copied text). */
export const MAX_TEXT_LENGTH = 100_000;
/** Longest pasted text the composer may attach as a file instead (attachText). */
export const MAX_ATTACH_LENGTH = 5_000_000;
/** Longest id accepted from the webview (same bound as src/runtime/storage/ids.ts). */
export const MAX_ID_LENGTH = 128;
export const MAX_URL_LENGTH = 2_048;
/** Same shape as the generic id pattern in src/runtime/storage/ids.ts (kept in sync by a test). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
/** Most mentions one message may carry, and the longest mention query and path accepted. */
export const MAX_MENTIONS = 20;
export const MAX_MENTION_PATH = 1_024;

const id = z.string().check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(MAX_ID_LENGTH, `longer than ${MAX_ID_LENGTH} characters`),
  z.regex(ID_PATTERN, 'allowed: letters, digits, "_", "-" or "."'),
  z.refine((v) => !v.includes('..'), 'contains ".."'),
);
const text = z.string().check(z.maxLength(MAX_TEXT_LENGTH, `longer than ${MAX_TEXT_LENGTH} characters`));
const nonEmptyText = z.string().check(
  z.maxLength(MAX_TEXT_LENGTH, `longer than ${MAX_TEXT_LENGTH} characters`),
  z.refine((v) => v.trim().length > 0, 'must not be empty'),
);
const url = z.string().check(
  z.maxLength(MAX_URL_LENGTH, `longer than ${MAX_URL_LENGTH} characters`),
  z.refine((v) => {
    try {
      return LINK_PROTOCOLS.has(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) or mailto URL'),
);

/**
 * A workspace-relative path from the webview: '/'-separated, no '..' or '.' segment, not absolute, no
 * control characters. The host still checks the real path stays inside the workspace.
 */
const relPath = z.string().check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(MAX_MENTION_PATH, `longer than ${MAX_MENTION_PATH} characters`),
  z.refine((v) => !/[\u0000-\u001f\\]/.test(v), 'must not contain control characters or backslashes'),
  z.refine((v) => !v.startsWith('/') && !/^[A-Za-z]:/.test(v), 'must be relative to the workspace'),
  z.refine(
    (v) =>
      v
        .replace(/\/$/, '')
        .split('/')
        .every((seg) => seg !== '' && seg !== '.' && seg !== '..'),
    'must not contain empty, "." or ".." segments',
  ),
);
export const MentionRefSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), path: relPath }),
  z.strictObject({ kind: z.literal('folder'), path: relPath }),
  z.strictObject({ kind: z.literal('selection') }),
  z.strictObject({ kind: z.literal('problems') }),
]);
const MentionItemSchema = z.object({
  ref: MentionRefSchema,
  label: z.string(),
  description: z.string(),
});

// ---------------------------------------------------------------- shared shapes (host → webview)
const count = z.int().check(z.nonnegative());
const epochMs = z.number().check(z.nonnegative());

export const QueenIdentitySchema = z.object({ id: z.string(), name: z.string(), title: z.string() });
export const EscalationSchema = z.object({
  requestId: z.string(),
  workerId: z.string(),
  reason: z.string(),
  context: z.string(),
});
export const ColonyStateSchema = z.object({
  name: z.string(),
  path: z.string(),
  workersRunning: count,
  workersDone: count,
  escalations: z.array(EscalationSchema),
});
export const TriggerViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['timer', 'webhook']),
  /** Timer: cron expression (5 fields or a nickname such as @daily; the runtime validates it) or null. */
  cron: z.nullable(z.string()),
  /** Timer: period in minutes, or null. */
  intervalMinutes: z.nullable(z.number().check(z.positive())),
  /** Time zone the cron expression is read in (Hive: UTC). */
  timezone: z.string(),
  /** When it fires, in words ("at 09:00 on Mon–Fri (UTC)"), from the host: the webview parses no cron. */
  schedule: z.string(),
  task: z.string(),
  enabled: z.boolean(),
  nextFireAt: z.nullable(epochMs),
  /** The next few fire times, soonest first (empty when it is not running). */
  nextFires: z.array(epochMs),
  fireCount: count,
  lastFiredAt: z.nullable(epochMs),
  /** The secret itself never crosses to the webview; the host copies it on request. */
  webhook: z.nullable(
    z.object({ url: z.string(), methods: z.array(z.string()), secretAvailable: z.boolean() }),
  ),
});
/** A triggers.json entry the colony loaded without (or the file itself), with the loader's reason. */
export const TriggerProblemViewSchema = z.object({ label: z.string(), message: z.string() });
export const UsageTotalsSchema = z.object({
  inputTokens: count,
  outputTokens: count,
  cachedTokens: count,
  costUsd: z.nullable(z.number().check(z.nonnegative())),
});
/** A model id as the API names them (`claude-sonnet-4-6`, a proxy's `vendor/model`). */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
const modelId = z.string().check(z.regex(MODEL_ID_PATTERN, 'must be a model id'));
/** The chat header's context-window gauge: what the last model call left in the window. */
export const ContextGaugeSchema = z.object({ tokens: count, window: count, model: z.string() });
/** The header's model picker: the session's model and the configured choices. */
export const ModelChoiceSchema = z.object({ model: z.string(), models: z.array(z.string()) });

export const SessionSnapshotSchema = z.object({
  sessionId: z.string(),
  title: z.nullable(z.string()),
  queen: z.nullable(QueenIdentitySchema),
  /** independent | incubating | working | reviewing (legacy sessions may carry others). */
  phase: z.string(),
  colony: z.nullable(ColonyStateSchema),
  triggers: z.array(TriggerViewSchema),
  /** Entries of triggers.json that were not loaded, shown as "invalid: …" in the Triggers section. */
  triggerProblems: z.optional(z.array(TriggerProblemViewSchema)),
  usage: UsageTotalsSchema,
  busy: z.boolean(),
  /** Workspace Trust: when false, tools and colonies are disabled and the panel says why. */
  trusted: z.boolean(),
  /** Trusted since the running session started: it has no workspace tools until a new start. */
  trustPending: z.optional(z.boolean()),
  /** The header's model picker (absent: no picker). */
  modelChoice: z.optional(ModelChoiceSchema),
  /** The header's context gauge (absent: no model call yet). */
  context: z.optional(ContextGaugeSchema),
});

const ts = z.optional(z.nullable(epochMs));
export const ApprovalOutcomeSchema = z.object({
  category: z.string(),
  /** cancelled: the turn or the session stopped before anyone answered. */
  decision: z.enum(['approved', 'denied', 'cancelled']),
});
const toolStatus = z.enum(['running', 'done', 'error', 'denied']);

/** A tool call with its result, as the queen's transcript and a worker's lane both show it. */
const ToolCallSchema = z.object({
  kind: z.literal('tool'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  result: z.nullable(z.string()),
  isError: z.boolean(),
  status: toolStatus,
});

/** One step of a worker's lane: a text it wrote, or a tool call with its result. */
export const LaneEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), id: z.string(), text: z.string() }),
  ToolCallSchema,
]);
export const LaneStatusSchema = z.enum(['running', 'done', 'failed', 'stopped']);

/** What an approval card shows beside the tool's input: the file under review, or the command. */
export const ApprovalDetailSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('file'),
    /** Relative to the tool's folder. */
    path: z.string(),
    isNew: z.boolean(),
  }),
  z.object({
    kind: z.literal('command'),
    command: z.string(),
    /** Absolute folder the command runs in. */
    cwd: z.string(),
    timeout: z.nullable(z.number().check(z.nonnegative())),
  }),
]);

export const ChatMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    id: z.string(),
    text: z.string(),
    origin: z.optional(z.enum(['user', 'trigger', 'worker', 'system'])),
    ts,
  }),
  z.object({ kind: z.literal('assistant'), id: z.string(), text: z.string(), ts }),
  /** An assistant turn's extended thinking, shown folded above its reply; `streaming` while it grows. */
  z.object({
    kind: z.literal('thinking'),
    id: z.string(),
    text: z.string(),
    streaming: z.optional(z.boolean()),
    ts,
  }),
  z.extend(ToolCallSchema, {
    /** How the approval of this call ended, when one was asked (rebuilt from events.jsonl). */
    approval: z.optional(ApprovalOutcomeSchema),
    ts,
  }),
  z.object({
    kind: z.literal('question'),
    id: z.string(),
    prompt: z.string(),
    options: z.array(z.string()),
    answer: z.nullable(z.string()),
    ts,
  }),
  z.object({
    kind: z.literal('notice'),
    id: z.string(),
    text: z.string(),
    level: z.enum(['info', 'warning']),
    ts,
  }),
  z.object({ kind: z.literal('error'), id: z.string(), message: z.string(), retryable: z.boolean(), ts }),
  /** What the runtime told the queen (phase, colony, worker report…), shown as a compact row. */
  z.object({
    kind: z.literal('system'),
    id: z.string(),
    event: z.enum(['phase', 'colony', 'report', 'escalation', 'trigger', 'fork', 'other']),
    title: z.string(),
    /** One line under the title (a report's summary, a trigger's task), or null. */
    summary: z.nullable(z.string()),
    /** Folded details (a payload, a worker profile), or null. */
    detail: z.nullable(z.string()),
    ts,
  }),
  /** A colony worker's steps, folded into one collapsible row. `dropped`: older steps left out. */
  z.object({
    kind: z.literal('lane'),
    id: z.string(),
    workerId: z.string(),
    status: LaneStatusSchema,
    summary: z.nullable(z.string()),
    entries: z.array(LaneEntrySchema),
    dropped: count,
    ts,
  }),
  /** The files one assistant turn changed (recorded in a checkpoint), which the user may restore. */
  z.object({
    kind: z.literal('changes'),
    id: z.string(),
    turnId: z.string(),
    /** "queen" or the worker id. */
    requester: z.string(),
    files: z.array(z.string()),
    ts,
  }),
]);

// ---------------------------------------------------------------- host → webview
export const HostToWebviewSchema = z.discriminatedUnion('type', [
  /**
   * Replaces everything the panel shows; `null` = no session (empty state: sending a message there
   * starts a new session). History follows in pages, newest first (the panel opens at the bottom):
   * one page right after the snapshot, older ones when the panel asks with `loadOlder`. `done: true`
   * on a page means nothing older is left. Sent again on every `ready`.
   */
  z.object({ type: z.literal('snapshot'), session: z.nullable(SessionSnapshotSchema) }),
  /** One page of history; `prepend` pages are older than what is shown. `done` = no older pages left. */
  z.object({
    type: z.literal('history'),
    sessionId: z.string(),
    messages: z.array(ChatMessageSchema),
    prepend: z.boolean(),
    done: z.boolean(),
  }),
  /** Adds a message, or replaces the one with the same id. */
  z.object({ type: z.literal('message'), message: ChatMessageSchema }),
  /** Streaming assistant text: `text` is the delta; `snapshot`, when given, is the whole text so far. */
  z.object({
    type: z.literal('textDelta'),
    messageId: z.string(),
    text: z.string(),
    snapshot: z.optional(z.string()),
  }),
  /** Streaming thinking: `snapshot` is the whole thinking text of that model call so far. */
  z.object({ type: z.literal('thinkingDelta'), messageId: z.string(), snapshot: z.string() }),
  /** The header's context gauge moved (a model call finished). */
  z.object({ type: z.literal('context'), context: ContextGaugeSchema }),
  /** The session's model or the configured choices changed. */
  z.object({ type: z.literal('modelChoice'), modelChoice: ModelChoiceSchema }),
  z.object({
    type: z.literal('turnComplete'),
    messageId: z.string(),
    stopReason: z.nullable(z.string()),
    model: z.nullable(z.string()),
    inputTokens: count,
    outputTokens: count,
    cachedTokens: count,
    costUsd: z.nullable(z.number().check(z.nonnegative())),
  }),
  z.object({ type: z.literal('toolStarted'), toolUseId: z.string(), name: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal('toolCompleted'),
    toolUseId: z.string(),
    result: z.string(),
    isError: z.boolean(),
  }),
  z.object({
    type: z.literal('approvalRequest'),
    id: z.string(),
    toolUseId: z.nullable(z.string()),
    tool: z.string(),
    category: z.string(),
    input: z.unknown(),
    /** "queen" or the id of the worker that asks. */
    requester: z.string(),
    detail: z.nullable(ApprovalDetailSchema),
  }),
  z.object({ type: z.literal('approvalResolved'), id: z.string(), approved: z.boolean() }),
  z.object({ type: z.literal('askUser'), id: z.string(), prompt: z.string(), options: z.array(z.string()) }),
  z.object({ type: z.literal('askUserResolved'), id: z.string(), answer: z.nullable(z.string()) }),
  z.object({ type: z.literal('error'), id: z.string(), message: z.string(), retryable: z.boolean() }),
  z.object({ type: z.literal('busy'), busy: z.boolean() }),
  z.object({ type: z.literal('usage'), usage: UsageTotalsSchema }),
  z.object({ type: z.literal('phase'), phase: z.string() }),
  z.object({ type: z.literal('queen'), queen: QueenIdentitySchema }),
  z.object({ type: z.literal('colony'), colony: z.nullable(ColonyStateSchema) }),
  z.object({
    type: z.literal('triggers'),
    triggers: z.array(TriggerViewSchema),
    problems: z.optional(z.array(TriggerProblemViewSchema)),
  }),
  /** A pasted text was saved as a file (attachText): the composer adds this reference to the draft. */
  z.object({ type: z.literal('attached'), reference: z.string() }),
  /** A worker lane's step was added or changed (the lane is created on its first step). */
  z.object({
    type: z.literal('laneEntry'),
    laneId: z.string(),
    workerId: z.string(),
    entry: LaneEntrySchema,
  }),
  /** Streaming text of a lane's text step: `text` is the delta, `snapshot` the whole text when given. */
  z.object({
    type: z.literal('laneText'),
    laneId: z.string(),
    workerId: z.string(),
    entryId: z.string(),
    text: z.string(),
    snapshot: z.optional(z.string()),
  }),
  /** The worker reported (or failed, or was stopped). */
  z.object({
    type: z.literal('laneStatus'),
    laneId: z.string(),
    workerId: z.string(),
    status: LaneStatusSchema,
    summary: z.nullable(z.string()),
  }),
  /** A short transient note (e.g. "Webhook secret copied"). */
  z.object({ type: z.literal('toast'), text: z.string(), level: z.enum(['info', 'warning', 'error']) }),
  /** The `@` menu's rows for one query (answers mentionQuery). */
  z.object({
    type: z.literal('mentionResults'),
    requestId: z.number(),
    items: z.array(MentionItemSchema),
  }),
]);

// ---------------------------------------------------------------- webview → host
// Strict objects: unknown keys are rejected, so nothing unexpected slips through to the host.
const webviewSchemas = {
  ready: z.strictObject({ type: z.literal('ready') }),
  sendMessage: z.strictObject({
    type: z.literal('sendMessage'),
    text: nonEmptyText,
    /** Files, folders, the selection or Problems chosen in the `@` menu: the host appends their content. */
    mentions: z.optional(
      z.array(MentionRefSchema).check(z.maxLength(MAX_MENTIONS, `more than ${MAX_MENTIONS} mentions`)),
    ),
  }),
  /** The `@` menu asks for rows matching what follows the `@` (answered by mentionResults). */
  mentionQuery: z.strictObject({
    type: z.literal('mentionQuery'),
    requestId: z
      .number()
      .check(z.refine((v) => Number.isSafeInteger(v) && v >= 0, 'must be a whole number ≥ 0')),
    query: z.string().check(z.maxLength(200, 'longer than 200 characters')),
  }),
  stop: z.strictObject({ type: z.literal('stop') }),
  retry: z.strictObject({ type: z.literal('retry'), errorId: id }),
  approvalAnswer: z.strictObject({
    type: z.literal('approvalAnswer'),
    id,
    approve: z.boolean(),
    alwaysForCategory: z.optional(z.boolean()),
  }),
  askUserAnswer: z.strictObject({ type: z.literal('askUserAnswer'), id, answer: nonEmptyText }),
  /** Open (again) the diff editor of a pending file approval. */
  reviewProposal: z.strictObject({ type: z.literal('reviewProposal'), id }),
  /** Put the files an assistant turn changed back as they were before it. */
  /** `requester`: a worker's id for a worker's turn (its turns count in its own conversation); else the queen's. */
  restoreTurn: z.strictObject({ type: z.literal('restoreTurn'), turnId: id, requester: z.optional(id) }),
  escalationReply: z.strictObject({
    type: z.literal('escalationReply'),
    requestId: id,
    workerId: id,
    text: nonEmptyText,
  }),
  triggerAction: z.strictObject({
    type: z.literal('triggerAction'),
    triggerId: id,
    action: z.enum(['activate', 'deactivate', 'runNow']),
  }),
  copyWebhookSecret: z.strictObject({ type: z.literal('copyWebhookSecret'), triggerId: id }),
  copyText: z.strictObject({ type: z.literal('copyText'), text }),
  /** A paste too long for a message: save it in the session's data folder (answered by `attached`). */
  attachText: z.strictObject({
    type: z.literal('attachText'),
    text: z.string().check(
      z.maxLength(MAX_ATTACH_LENGTH, `longer than ${MAX_ATTACH_LENGTH} characters`),
      z.refine((v) => v.trim().length > 0, 'must not be empty'),
    ),
  }),
  openLink: z.strictObject({ type: z.literal('openLink'), url }),
  /** The panel scrolled near the oldest message shown: the next older history page, please. */
  loadOlder: z.strictObject({ type: z.literal('loadOlder'), sessionId: id }),
  /** A button of the "Colony created" card: the colony is named (HIVE_HOME/colonies/<name>), never a path. */
  colonyAction: z.strictObject({
    type: z.literal('colonyAction'),
    colony: z.string().check(z.regex(/^[a-z0-9_]{1,64}$/, 'must be a colony name')),
    action: z.enum(['open', 'startTriggers', 'stopTriggers', 'runWorker', 'reveal']),
  }),
  /** The header's model picker: the model for the session's next turn. */
  setModel: z.strictObject({ type: z.literal('setModel'), model: modelId }),
  /** "New session…" in the header: Hive: New Session (it asks for the queen). */
  newSession: z.strictObject({ type: z.literal('newSession') }),
} as const;

export const WebviewToHostSchema = z.discriminatedUnion('type', [
  webviewSchemas.ready,
  webviewSchemas.sendMessage,
  webviewSchemas.mentionQuery,
  webviewSchemas.stop,
  webviewSchemas.retry,
  webviewSchemas.approvalAnswer,
  webviewSchemas.askUserAnswer,
  webviewSchemas.reviewProposal,
  webviewSchemas.restoreTurn,
  webviewSchemas.escalationReply,
  webviewSchemas.triggerAction,
  webviewSchemas.copyWebhookSecret,
  webviewSchemas.copyText,
  webviewSchemas.attachText,
  webviewSchemas.openLink,
  webviewSchemas.loadOlder,
  webviewSchemas.colonyAction,
  webviewSchemas.setModel,
  webviewSchemas.newSession,
]);

export type QueenIdentity = z.infer<typeof QueenIdentitySchema>;
export type Escalation = z.infer<typeof EscalationSchema>;
export type ColonyState = z.infer<typeof ColonyStateSchema>;
export type TriggerView = z.infer<typeof TriggerViewSchema>;
export type TriggerProblemView = z.infer<typeof TriggerProblemViewSchema>;
export type UsageTotals = z.infer<typeof UsageTotalsSchema>;
export type ContextGauge = z.infer<typeof ContextGaugeSchema>;
export type ModelChoice = z.infer<typeof ModelChoiceSchema>;
export type SessionSnapshot = z.infer<typeof SessionSnapshotSchema>;
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type ApprovalOutcome = z.infer<typeof ApprovalOutcomeSchema>;
export type LaneEntry = z.infer<typeof LaneEntrySchema>;
export type LaneStatus = z.infer<typeof LaneStatusSchema>;
export type ApprovalDetail = z.infer<typeof ApprovalDetailSchema>;
export type HostToWebview = z.infer<typeof HostToWebviewSchema>;
export type WebviewToHost = z.infer<typeof WebviewToHostSchema>;
export type ColonyAction = WebviewMessageOf<'colonyAction'>['action'];
export type HostMessageOf<T extends HostToWebview['type']> = Extract<HostToWebview, { type: T }>;
export type WebviewMessageOf<T extends WebviewToHost['type']> = Extract<WebviewToHost, { type: T }>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

/**
 * Validates a message received from the webview. Never throws: anything that is not exactly one of
 * the declared messages (unknown type, unknown or mistyped field, oversize text, bad id) comes back
 * as `{ ok: false, error }` with a sentence that says what was wrong.
 */
export function parseWebviewMessage(raw: unknown): ParseResult<WebviewToHost> {
  try {
    const type = messageType(raw);
    if (typeof type !== 'string') return { ok: false, error: `Invalid webview message: ${type.error}` };
    if (!Object.hasOwn(webviewSchemas, type)) {
      return { ok: false, error: `Invalid webview message: unknown type ${quote(type)}` };
    }
    const schema = webviewSchemas[type as keyof typeof webviewSchemas];
    const result = schema.safeParse(raw);
    if (result.success) return { ok: true, message: result.data as WebviewToHost };
    return {
      ok: false,
      error: `Invalid webview message ${quote(type)}: ${describeIssues(result.error, raw)}`,
    };
  } catch (err) {
    // Defensive: a hostile value must never take the host down.
    return {
      ok: false,
      error: `Invalid webview message: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** Validates a message from the host (the webview uses it to drop anything it cannot render). */
export function parseHostMessage(raw: unknown): ParseResult<HostToWebview> {
  try {
    const type = messageType(raw);
    if (typeof type !== 'string') return { ok: false, error: `Invalid host message: ${type.error}` };
    const result = HostToWebviewSchema.safeParse(raw);
    if (result.success) return { ok: true, message: result.data };
    return { ok: false, error: `Invalid host message ${quote(type)}: ${describeIssues(result.error, raw)}` };
  } catch (err) {
    return { ok: false, error: `Invalid host message: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function messageType(raw: unknown): string | { error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      error: `expected an object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`,
    };
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string') return { error: 'missing string field "type"' };
  return type;
}

// zod/mini ships no English messages; our own checks carry theirs, the structural ones are worded here.
function describeIssues(error: { issues: readonly z.core.$ZodIssue[] }, raw: unknown): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unexpected ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const where = issue.path.length > 0 ? `field "${issue.path.map(String).join('.')}"` : 'message';
    return `${where}: ${describeIssue(issue, raw)}`;
  });
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : '';
  return shown.join('; ') + more;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const found = valueAt(raw, issue.path);
      if (!found.present) return `missing (expected ${issue.expected})`;
      const got = found.value === null ? 'null' : Array.isArray(found.value) ? 'array' : typeof found.value;
      return `expected ${issue.expected}, got ${got}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'matches none of the allowed shapes';
    default:
      return issue.message && issue.message !== 'Invalid input'
        ? issue.message
        : issue.code.replace(/_/g, ' ');
  }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): { present: boolean; value?: unknown } {
  let cur: unknown = raw;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, key)) return { present: false };
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value: cur };
}

function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
