import path from 'node:path';
import { parseArgs } from 'node:util';
import { colonyNameFromFolder, findColonyDir } from '../runtime/colony/colony-locate';
import { resolveModelSettings } from '../runtime/config/modelSettings';
import { AnthropicProvider } from '../runtime/llm';
import { type LiveSession, SessionManager } from '../runtime/session';
import { resolveHiveHome } from '../runtime/storage/home';
import { InvalidIdError, validateId } from '../runtime/storage/ids';
import { updateMeta } from '../runtime/storage/meta';
import { describeProblem, STATE_FILE } from '../runtime/triggers';
import { SessionTriggers } from '../runtime/triggers/sessionTriggers';
import { triggerTools } from '../runtime/triggers/triggerTools';
import { followHeadless } from './colony-follow';
import { type CliIo, UsageError } from './usage';

export const COLONY_USAGE =
  'usage: hive colony run <folder> [--home DIR] [--queen ID] [--resume SESSION_ID] [--missed run|skip] [--no-reflection]';

/** `hive colony run …` */
export async function colonyCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'run') return run(rest, io);
  throw new UsageError(sub ? `unknown colony command "${sub}" (run)` : 'colony needs a command: run');
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        home: { type: 'string' },
        queen: { type: 'string' },
        resume: { type: 'string' },
        missed: { type: 'string' },
        'no-reflection': { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
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
  checkId('queen', values.queen);
  checkId('session', values.resume);
  const folder = path.resolve(positionals[0]!);
  const location = await findColonyDir(folder);
  if (!location)
    throw new UsageError(
      `${folder}: no colony here (expected metadata.json or worker.json in .hive/ or at the root)`,
    );
  const home = resolveHiveHome(values.home, io.env);
  const settings = await resolveModelSettings({ hiveHome: home, env: io.env ?? process.env });
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

  // The trigger tools resolve the manager when called, so they can be handed over before the session exists.
  let triggers: SessionTriggers | undefined;
  const manager = new SessionManager({
    hiveHome: home,
    provider: async () => provider,
    logger,
    reflection: !values['no-reflection'],
    // Her read-only workspace tools look at the colony's folder.
    workingDir: folder,
    extraTools: () => triggerTools(() => triggers?.triggerManager),
  });
  const session: LiveSession = values.resume
    ? await manager.resumeSession(values.resume)
    : await manager.createSession({ queenId: values.queen });
  try {
    const name = colonyNameFromFolder(folder);
    await updateMeta(session.dir, {
      agent_path: folder,
      agent_name: name.replace(
        /(^|_)([a-z])/g,
        (_m, sep: string, c: string) => `${sep ? ' ' : ''}${c.toUpperCase()}`,
      ),
    });
    triggers = new SessionTriggers({
      sessionId: session.id,
      sessionDir: session.dir,
      bus: session.bus,
      // Awaiting her turn keeps batches in order; the queue holds fires meanwhile.
      injectToQueen: (text) => session.send(text),
      isQueenBusy: () => session.busy,
      logger,
    });
    followHeadless(session, io);

    io.out(`Session ${session.id} (queen ${session.queen.queen_id}) in ${session.dir}\n`);
    io.out(`Colony ${location.dir}\n`);
    const text = await triggers.attach(location.dir);
    await session.setPhase('reviewing', 'runtime');
    io.out(text.trim() ? `${text.trim()}\n` : 'No triggers in triggers.json\n');
    const report = triggers.loadReport;
    if (report?.fileError) io.err(`hive: triggers not loaded: ${report.fileError}\n`);
    for (const p of report?.problems ?? []) io.err(`hive: skipped trigger: ${describeProblem(p)}\n`);
    for (const e of report?.errors ?? [])
      io.err(`hive: trigger ${e.trigger_id} could not start: ${e.error}\n`);
    for (const t of triggers.list()) {
      if (!t.enabled) continue;
      if (t.webhook) io.out(`Webhook ${t.id}: ${t.webhook.methods.join('|')} ${t.webhook.url}\n`);
      else if (t.nextFireAt !== null)
        io.out(`Timer ${t.id}: next fire ${new Date(t.nextFireAt).toISOString()}\n`);
    }
    const hooks = triggers.list().filter((t) => t.webhook && t.enabled);
    if (hooks.length) {
      const info = await triggers.webhookInfo(hooks[0]!.id);
      io.out(
        `Webhook secrets: ${info?.secret_location} (send as X-Hive-Secret, or sign with X-Hive-Signature-256)\n`,
      );
    }
    const missed = triggers.missed();
    if (missed.length) {
      if (values.missed) {
        await triggers.resolveMissed(values.missed as 'run' | 'skip');
        io.out(`Missed fires: ${values.missed === 'run' ? 'running each once' : 'skipped'}\n`);
      } else io.out('Missed fires wait for a decision: run again with --missed run or --missed skip\n');
    }
    io.out(`Trigger state: ${path.join(location.dir, STATE_FILE)}\n`);
    io.out('Running; Ctrl+C to stop.\n');

    const sig = await (io.untilStopped ?? untilSignal)();
    io.out(`${stamp()} ${sig}: stopping\n`);
  } finally {
    await triggers?.detach();
    await manager.stopAll();
  }
  io.out('Stopped; triggers and session saved.\n');
  return 0;
}
