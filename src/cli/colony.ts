import path from 'node:path';
import { loadColony } from '../runtime/colony/colony-load';
import { findColonyDir, homeColonyFolder } from '../runtime/colony/colony-locate';
import { resolveModelSettings } from '../runtime/config/model-settings';
import { AnthropicProvider } from '../runtime/llm';
import { pendingShutdownReflections } from '../runtime/queen';
import { type LiveSession, SessionManager, SessionNotFoundError } from '../runtime/session';
import { resolveHiveHome } from '../runtime/storage/home';
import { InvalidIdError, isValidId, validateId } from '../runtime/storage/ids';
import { describeProblem, STATE_FILE, webhookSettings } from '../runtime/triggers';
import { colonyStateDir } from '../runtime/triggers/colony-state';
import { runTurn } from './chat-turn';
import { followHeadless } from './colony-follow';
import { colonySecrets } from './colony-secrets';
import { type CliIo, parseCliArgs, UsageError } from './usage';

export const COLONY_USAGE =
  'usage: hive colony run <name|folder> [--home DIR] [--queen ID] [--resume SESSION_ID] [--missed run|skip] ' +
  '[--worker [--task TEXT]] [--model M] [--base-url URL] [--auto-approve] [--no-reflection]';

/** `hive colony run …` */
export async function colonyCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'run') return run(rest, io);
  if (sub === 'secrets') return colonySecrets(rest, io);
  throw new UsageError(
    sub ? `unknown colony command "${sub}" (run, secrets)` : 'colony needs a command: run or secrets',
  );
}

function parse(argv: string[]) {
  return parseCliArgs(argv, {
    home: { type: 'string' },
    queen: { type: 'string' },
    resume: { type: 'string' },
    missed: { type: 'string' },
    model: { type: 'string' },
    'base-url': { type: 'string' },
    'auto-approve': { type: 'boolean' },
    'no-reflection': { type: 'boolean' },
    worker: { type: 'boolean' },
    task: { type: 'string' },
  });
}

/**
 * The colony a `colony run` argument names: a bare name (`^[a-z0-9_]+$`) of HIVE_HOME/colonies when that
 * colony exists, else a folder (relative to the current one).
 */
export async function resolveColonyArg(arg: string, home: string): Promise<string> {
  if (isValidId('colony', arg) && /^[a-z0-9_]+$/.test(arg)) {
    const inHome = homeColonyFolder(home, arg);
    if (await findColonyDir(inHome)) return inHome;
  }
  const folder = path.resolve(arg);
  if (!(await findColonyDir(folder)))
    throw new UsageError(
      `${arg}: no colony of that name under ${path.join(home, 'colonies')}, and no colony in folder ${folder} ` +
        '(expected metadata.json or worker.json in .hive/ or at the root)',
    );
  return folder;
}

function checkId(kind: 'queen' | 'session', id: string | undefined): void {
  if (id === undefined) return;
  try {
    validateId(kind, id);
  } catch (err) {
    if (err instanceof InvalidIdError) throw new UsageError(err.message);
    throw err;
  }
}

/** Waits for SIGINT or SIGTERM; a second one while stopping ends the process at once. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

const stamp = () => new Date().toISOString();

/** SessionManager.openColony, the colony-open path VS Code uses too; `--resume` names the session. */
async function openSession(
  manager: SessionManager,
  folder: string,
  resume: string | undefined,
  queenId: string | undefined,
): Promise<LiveSession> {
  try {
    return await manager.openColony(folder, { queenId, into: resume });
  } catch (err) {
    if (err instanceof SessionNotFoundError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * Headless colony runner: a queen session with the colony's triggers running (timers, webhook
 * server), each fire printed, until SIGINT/SIGTERM; then triggers and session stop and everything
 * is saved (trigger-state.json, triggers.json, the session folder). The queen gets each fire as a
 * `[TRIGGER: …]` message and, in the reviewing phase, the trigger tools.
 */
async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  if (positionals.length !== 1) throw new UsageError(COLONY_USAGE);
  if (values.missed !== undefined && values.missed !== 'run' && values.missed !== 'skip')
    throw new UsageError(`--missed takes "run" or "skip", got "${values.missed}"`);
  if (values.queen && values.resume)
    throw new UsageError('--queen picks the queen of a new session, not --resume');
  checkId('queen', values.queen);
  checkId('session', values.resume);
  if (values.worker && (values.resume || values.queen || values.missed))
    throw new UsageError('--worker starts a worker-only session: no --queen, --resume or --missed');
  if (values.task !== undefined && !values.worker) throw new UsageError('--task goes with --worker');
  const home = resolveHiveHome(values.home, io.env);
  const folder = await resolveColonyArg(positionals[0]!, home);
  const settings = await resolveModelSettings({
    hiveHome: home,
    model: values.model,
    baseURL: values['base-url'],
    env: io.env ?? process.env,
  });
  for (const w of settings.warnings) io.err(`hive: ${w}\n`);
  if (!settings.apiKey) {
    io.err('hive: no API key: set ANTHROPIC_API_KEY (or llm.api_key_env_var in configuration.json)\n');
    return 1;
  }
  const provider = new AnthropicProvider({
    model: settings.model,
    apiKey: settings.apiKey,
    maxTokens: settings.maxTokens,
    ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
  });
  const logger = {
    warn: (m: string) => io.err(`hive: ${m}\n`),
    info: (m: string) => io.err(`hive: ${m}\n`),
  };

  const manager = new SessionManager({
    hiveHome: home,
    provider: async () => provider,
    logger,
    reflection: !values['no-reflection'],
    // Her read-only workspace tools look at the colony's folder.
    workingDir: folder,
    autoApprove: values['auto-approve'] ? ['read', 'write', 'command', 'control'] : undefined,
  });
  if (values.worker)
    return runWorker(manager, folder, io, {
      task: values.task,
      autoApprove: values['auto-approve'] === true,
    });
  const session = await openSession(manager, folder, values.resume, values.queen);
  try {
    const colony = session.colony!;
    // The session's own triggers, attached when the colony loaded (attach again only returns the text).
    const triggers = session.triggers;
    followHeadless(session, io);

    io.out(`Session ${session.id} (queen ${session.queen.queen_id}) in ${session.dir}\n`);
    io.out(`Colony ${colony.name} (${colony.dir}), queen phase ${session.phase}\n`);
    const text = await triggers.attach(colony.dir);
    io.out(text.trim() ? `${text.trim()}\n` : 'No triggers in triggers.json\n');
    const report = triggers.loadReport;
    if (report?.fileError) io.err(`hive: triggers not loaded: ${report.fileError}\n`);
    for (const p of report?.problems ?? []) io.err(`hive: skipped trigger: ${describeProblem(p)}\n`);
    for (const e of report?.errors ?? [])
      io.err(`hive: trigger ${e.trigger_id} could not start: ${e.error}\n`);
    for (const t of triggers.list()) {
      if (!t.active) continue;
      if (t.trigger_type === 'webhook') {
        const { methods } = webhookSettings({
          id: t.trigger_id,
          trigger_type: 'webhook',
          trigger_config: t.trigger_config,
          task: t.task,
        });
        io.out(`Webhook ${t.trigger_id}: ${methods.join('|')} ${t.webhook_url}\n`);
      } else if (t.next_fire_at !== null)
        io.out(`Timer ${t.trigger_id}: next fire ${new Date(t.next_fire_at).toISOString()}\n`);
    }
    const hooks = triggers.list().filter((t) => t.trigger_type === 'webhook' && t.active);
    if (hooks.length) {
      const info = await triggers.webhookInfo(hooks[0]!.trigger_id);
      io.out(
        `Webhook secrets: ${info?.secret_location} (send as X-Hive-Secret, or sign with X-Hive-Signature-256)\n`,
      );
    }
    // Read rather than awaited as an event: the colony (and its missed_triggers) may have loaded already.
    const missed = triggers.missed();
    for (const m of missed) io.out(`Missed: ${m.trigger_id} missed ${m.count} fire(s) while nothing ran\n`);
    if (missed.length) {
      if (values.missed) {
        await triggers.resolveMissed(values.missed as 'run' | 'skip');
        io.out(`Missed fires: ${values.missed === 'run' ? 'running each once' : 'skipped'}\n`);
      } else io.out('Missed fires wait for a decision: run again with --missed run or --missed skip\n');
    }
    io.out(`Trigger state: ${path.join(colonyStateDir(home, colony.dir), STATE_FILE)}\n`);
    io.out('Running; Ctrl+C to stop.\n');

    const sig = await (io.untilStopped ?? untilSignal)();
    io.out(`${stamp()} ${sig}: stopping\n`);
  } finally {
    // Stopping the session detaches its triggers (timers off, webhook server closed, stats saved).
    await manager.stopAll();
  }
  // A stop reflection still writing the queen's memory is let finish before the process ends.
  await pendingShutdownReflections();
  io.out('Stopped; triggers and session saved.\n');
  return 0;
}

/**
 * `--worker`: a worker-only session (Hive's _create_worker_only_session): the colony's worker is the
 * primary chat; it is given its task (worker.json goal, or --task) once, its answer streams to stdout.
 */
async function runWorker(
  manager: SessionManager,
  folder: string,
  io: CliIo,
  opts: { task?: string; autoApprove: boolean },
): Promise<number> {
  let code = 0;
  try {
    const colony = await loadColony(folder);
    const workerName = path.basename(colony.worker.file, '.json');
    const task = opts.task?.trim() || colony.worker.config.goal?.description?.trim();
    if (!task)
      throw new UsageError(`${colony.worker.file} has no goal.description; give the task with --task`);
    const session = await manager.openColony(folder, { workerName });
    io.err(
      `Worker-only session ${session.id} (worker ${workerName} of colony ${colony.name}) in ${session.dir}\n`,
    );
    const outcome = await runTurn(session, task, io, {
      json: false,
      autoApprove: opts.autoApprove,
      verbose: false,
    });
    if (outcome.failure) {
      io.err(`hive: model call failed (${outcome.failure.kind}): ${outcome.failure.error}\n`);
      code = 1;
    }
    io.err(`session ${session.id}\n`);
  } finally {
    await manager.stopAll();
  }
  await pendingShutdownReflections();
  return code;
}
