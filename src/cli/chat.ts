import type { Tool, ToolCategory } from '../runtime/agent/types';
import { resolveModelSettings } from '../runtime/config/model-settings';
import { AnthropicProvider, DEFAULT_RETRY_POLICY, ModelError } from '../runtime/llm';
import { pendingShutdownReflections, selectQueen } from '../runtime/queen';
import {
  completeVia,
  type LiveSession,
  SessionLockedError,
  type SessionLogger,
  SessionManager,
  SessionNotFoundError,
} from '../runtime/session';
import { resolveHiveHome } from '../runtime/storage/home';
import { InvalidIdError, validateId } from '../runtime/storage/ids';
import { homeQueensDir } from '../runtime/storage/paths';
import { runTurn } from './chat-turn';
import { type CliIo, parseCliArgs, UsageError } from './usage';

/** Everything a tool may do, granted by `--auto-approve`. */
const ALL_CATEGORIES: ToolCategory[] = ['read', 'write', 'command', 'control'];

/** In-process extras (tests, a host embedding the CLI). */
export interface ChatDeps {
  extraTools?: () => Tool[];
}

function parse(argv: string[]) {
  return parseCliArgs(argv, {
    home: { type: 'string' },
    session: { type: 'string' },
    model: { type: 'string' },
    'base-url': { type: 'string' },
    queen: { type: 'string' },
    workspace: { type: 'string' },
    retries: { type: 'string' },
    json: { type: 'boolean' },
    'auto-approve': { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
}

function whole(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min)
    throw new UsageError(`${name} needs a whole number ≥ ${min}, got "${raw}"`);
  return Number(raw);
}

function validSessionId(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  try {
    return validateId('session', id);
  } catch (err) {
    if (err instanceof InvalidIdError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * `hive chat "message"`: one user message to a queen through the SessionManager. A new session (or
 * `--session ID`, resumed in place), the answer streamed, the session stopped with its shielded
 * reflection, the id printed on stderr for the next `--session`.
 */
export async function chatCommand(argv: string[], io: CliIo, deps: ChatDeps = {}): Promise<number> {
  const { values, positionals } = parse(argv);
  if (positionals.length !== 1 || !positionals[0]!.trim())
    throw new UsageError('usage: hive chat [options] "message" (one message, quoted)');
  const message = positionals[0]!;
  const sessionId = validSessionId(values.session);
  if (sessionId && values.queen)
    throw new UsageError('--queen picks the queen of a new session, not --session');
  const env = io.env ?? process.env;
  const retries = whole('--retries', values.retries, 0);
  const baseDelayMs = whole('HIVE_RETRY_BASE_MS', env.HIVE_RETRY_BASE_MS, 0);

  const hiveHome = resolveHiveHome(values.home, env);
  const settings = await resolveModelSettings({
    hiveHome,
    model: values.model,
    baseURL: values['base-url'],
    env,
  });
  if (values.verbose) for (const w of settings.warnings) io.err(`hive: warning: ${w}\n`);
  if (!settings.apiKey) {
    io.err(
      'hive: no API key: set ANTHROPIC_API_KEY (or name another variable in llm.api_key_env_var of configuration.json)\n',
    );
    return 1;
  }
  const provider = new AnthropicProvider({
    model: settings.model,
    apiKey: settings.apiKey,
    baseURL: settings.baseURL ?? undefined,
    maxTokens: settings.maxTokens,
    retry: {
      maxAttempts: retries === undefined ? DEFAULT_RETRY_POLICY.maxAttempts : retries + 1,
      ...(baseDelayMs === undefined ? {} : { baseDelayMs }),
    },
  });
  const logger: SessionLogger = {
    warn: (m) => {
      if (values.verbose) io.err(`hive: warning: ${m}\n`);
    },
  };
  const manager = new SessionManager({
    hiveHome,
    provider: async () => provider,
    logger,
    workingDir: values.workspace,
    autoApprove: values['auto-approve'] ? ALL_CATEGORIES : undefined,
    extraTools: deps.extraTools,
  });

  let session: LiveSession;
  try {
    let queenId = values.queen;
    if (!sessionId && !queenId) {
      const picked = await pickQueen(hiveHome, provider, message, logger);
      // The model could not be reached at all: say so now, before a session folder exists.
      if (picked.error) {
        io.err(`hive: ${failureLine(picked.error.kind, picked.error.attempts, picked.error.message)}\n`);
        return 1;
      }
      queenId = picked.queenId;
    }
    session = sessionId ? await manager.resumeSession(sessionId) : await manager.createSession({ queenId });
  } catch (err) {
    if (err instanceof SessionNotFoundError)
      throw new UsageError(`unknown session ${sessionId} (no session folder under ${hiveHome})`);
    throw err;
  }
  // What the resume had to repair (a damaged meta.json set aside…); --verbose printed it already as a warning.
  if (!values.verbose) for (const n of session.notices) io.err(`hive: ${n}\n`);

  let interrupted = false;
  const offInterrupt = io.onInterrupt?.(() => {
    interrupted = true;
    session.stopTurn();
  });
  let code = 0;
  try {
    // Hive answers 409 here: the session spawned a colony; the message is refused before any model call.
    if (session.spawnedColony) {
      io.err(`hive: ${new SessionLockedError(session.id, session.spawnedColony).message}\n`);
      return 3;
    }
    const outcome = await runTurn(session, message, io, {
      json: values.json === true,
      autoApprove: values['auto-approve'] === true,
      verbose: values.verbose === true,
    });
    if (outcome.failure) {
      const f = outcome.failure;
      io.err(`hive: ${failureLine(f.kind, f.attempts, f.error)}; continue with --session ${session.id}\n`);
      code = 1;
    }
    // The shell's convention for a command ended by Ctrl-C; the streamed text so far is kept (truncated).
    else if (interrupted) code = 130;
  } finally {
    offInterrupt?.();
    await manager.stopAll();
  }
  if (code !== 1) io.err(`session ${session.id}${interrupted ? ' (stopped)' : ''}\n`);
  // A stop reflection still writing the queen's memory is let finish before the process ends.
  await pendingShutdownReflections();
  return code;
}

/**
 * The first message picks the queen (Hive's selector call), as a new session in Hive does. A selector
 * answer that is unusable falls back to the default queen; a model that cannot be reached is reported.
 */
async function pickQueen(
  hiveHome: string,
  provider: AnthropicProvider,
  message: string,
  logger: SessionLogger,
): Promise<{ queenId: string; error?: undefined } | { error: ModelError }> {
  const complete = completeVia(provider);
  let error: ModelError | undefined;
  const picked = await selectQueen({
    queensDir: homeQueensDir(hiveHome),
    firstMessage: message,
    complete: async (req) => {
      try {
        return await complete(req);
      } catch (err) {
        if (err instanceof ModelError && UNREACHABLE.has(err.kind)) error = err;
        throw err;
      }
    },
    logger,
  });
  return error ? { error } : { queenId: picked.identity.queen_id };
}

/** Failures after which the chat turn itself could not succeed either. */
const UNREACHABLE: ReadonlySet<string> = new Set([
  'network',
  'timeout',
  'auth',
  'overloaded',
  'rate_limited',
]);

function failureLine(kind: string, attempts: number | undefined, error: string): string {
  const tries = attempts && attempts > 1 ? `, after ${attempts} tries` : '';
  return `model call failed (${kind}${tries}): ${error.replace(/\s+/g, ' ').trim()}`;
}
