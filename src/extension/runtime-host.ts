// The runtime as the extension sees it: one SessionManager for the current HIVE_HOME, built on first
// use (the session modules and the model SDK are imported then, never at activation), the cold-session
// index of that home, and the model settings resolved live from settings + SecretStorage.
import * as vscode from 'vscode';
import { type ModelSettings, resolveModelSettings } from '../runtime/config/model-settings';
import type { LiveSession, SessionManager, SessionManagerOptions } from '../runtime/session';
import type { SessionIndex } from '../runtime/storage/session-index';
import { type ApiKeyStore, MissingApiKeyError } from './api-key';
import { runtimeModule, sessionsModule } from './bundles';
import { hiveHomeSetting, readSettings } from './settings';
import { SecretStorageTriggerSecrets } from './trigger-secrets';

export interface RuntimeHostDeps {
  log: vscode.LogOutputChannel;
  keys: ApiKeyStore;
  isTrusted: () => boolean;
  /** The folder the queen's read-only workspace tools see (first workspace folder). */
  workingDir: () => string | undefined;
  /** Where webhook secrets are kept (VS Code's SecretStorage). */
  secrets?: vscode.SecretStorage;
}

export class RuntimeHost implements vscode.Disposable {
  private home: string;
  private managerPromise: Promise<SessionManager> | undefined;
  private manager: SessionManager | undefined;
  private sessionIndex: SessionIndex | undefined;
  private offManager: (() => void) | undefined;
  /** Built in Restricted Mode, since trusted: rebuilt at the next getManager() with nothing live. */
  private stale = false;
  /** Shared with the manager and updated in place: new sessions get the current setting. */
  private readonly autoApprove = readSettings().autoApprove;
  /** The manager's options, kept so `hive.workerConcurrency` reaches sessions started after a change. */
  private managerOptions: SessionManagerOptions | undefined;
  private readonly liveChanged = new vscode.EventEmitter<void>();
  private readonly homeChanged = new vscode.EventEmitter<string>();
  /** Live sessions started, stopped, busy or idle. */
  readonly onDidChangeLive = this.liveChanged.event;
  /** HIVE_HOME moved (setting changed): the index and tree start over. */
  readonly onDidChangeHome = this.homeChanged.event;
  private readonly subs: vscode.Disposable[] = [];
  private moving: Promise<void> = Promise.resolve();

  constructor(private readonly deps: RuntimeHostDeps) {
    this.home = hiveHomeSetting();
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('hive.autoApprove'))
          this.autoApprove.splice(0, this.autoApprove.length, ...readSettings().autoApprove);
        if (e.affectsConfiguration('hive.workerConcurrency') && this.managerOptions)
          this.managerOptions.colonyConcurrency = readSettings().workerConcurrency;
        if (e.affectsConfiguration('hive.home')) void this.moveHome();
      }),
      // Trust granted: a manager built in Restricted Mode has no workspace tools. Rebuild it when idle.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (!this.manager) return;
        this.stale = true;
        this.log('workspace trusted: new sessions get the workspace tools once no session is running');
      }),
    );
  }

  get hiveHome(): string {
    return this.home;
  }

  /** The cold-session index of the current home (created on first use, which loads dist/sessions.js). */
  get index(): SessionIndex {
    this.sessionIndex ??= new (sessionsModule().SessionIndex)({
      home: this.home,
      statWorker: true, // the extension host lives long: the stat worker halves each full refresh
      log: (m) => this.deps.log.info(`session index: ${m}`),
    });
    return this.sessionIndex;
  }

  /**
   * Trusted after the manager was built in Restricted Mode: the sessions it runs have no workspace
   * tools until it is rebuilt (when none is running).
   */
  get trustPending(): boolean {
    return this.stale && this.manager !== undefined && this.manager.list().length > 0;
  }

  /** The manager if it was built already (no side effects). */
  peekManager(): SessionManager | undefined {
    return this.manager;
  }

  getManager(): Promise<SessionManager> {
    if (this.stale && this.manager && this.manager.list().length === 0) {
      this.stale = false;
      this.offManager?.();
      this.offManager = undefined;
      this.manager = undefined;
      this.managerPromise = undefined;
    }
    this.managerPromise ??= this.buildManager().catch((err: unknown) => {
      this.managerPromise = undefined;
      throw err;
    });
    return this.managerPromise;
  }

  liveSession(id: string): LiveSession | undefined {
    return this.manager?.get(id);
  }

  isLive(id: string): boolean {
    return this.manager?.isLive(id) ?? false;
  }

  /** Settings + key as the provider will see them (the key itself stays inside). */
  async modelSettings(): Promise<ModelSettings> {
    const s = readSettings();
    return resolveModelSettings({
      hiveHome: this.home,
      secretKey: await this.deps.keys.get(),
      model: s.model,
      maxTokens: s.maxTokens,
      baseURL: s.apiBaseUrl,
    });
  }

  private async buildManager(): Promise<SessionManager> {
    const { SessionManager } = runtimeModule();
    const log = this.deps.log;
    const home = this.home;
    const options: SessionManagerOptions = {
      hiveHome: home,
      provider: () => this.provider(),
      logger: { warn: (m) => log.warn(m), info: (m) => log.info(m) },
      // Restricted Mode: the queen gets no workspace tools (Workspace Trust).
      workingDir: this.deps.isTrusted() ? this.deps.workingDir() : undefined,
      autoApprove: this.autoApprove,
      colonyConcurrency: readSettings().workerConcurrency,
      // Read before every queen call, so a changed setting applies to the next turn.
      thinking: () => {
        const budget = readSettings().thinkingBudget;
        return budget > 0 ? { budgetTokens: budget } : undefined;
      },
      ...(this.deps.secrets
        ? { triggerSecrets: (dir: string) => new SecretStorageTriggerSecrets(this.deps.secrets!, dir) }
        : {}),
    };
    const manager = new SessionManager(options);
    this.managerOptions = options;
    if (home !== this.home) throw new Error('HIVE_HOME changed while the runtime was starting; try again');
    this.manager = manager;
    this.offManager = manager.onDidChange(() => this.liveChanged.fire());
    log.info(`runtime ready (HIVE_HOME ${home})`);
    return manager;
  }

  /** Called by the manager on the first session start (and again after a failure). */
  private async provider() {
    const settings = await this.modelSettings();
    for (const w of settings.warnings) this.deps.log.warn(w);
    if (!settings.apiKey) throw new MissingApiKeyError();
    const { AnthropicProvider, LiveSettingsProvider } = runtimeModule();
    this.deps.log.info(
      `model ${settings.model}${settings.baseURL ? ` at ${settings.baseURL}` : ''}, key from ${settings.keySource}`,
    );
    return new LiveSettingsProvider(
      { ...settings, apiKey: settings.apiKey },
      () => this.modelSettings(),
      (s) =>
        new AnthropicProvider({
          model: s.model,
          apiKey: s.apiKey,
          baseURL: s.baseURL ?? undefined,
          maxTokens: s.maxTokens,
        }),
    );
  }

  /**
   * A new home. The old one is finished with first: its live sessions stop (their folders live
   * there) and its index writes its cache a last time; only then does the switch show (hiveHome,
   * onDidChangeHome), so nothing writes into the old home after it, even if it is deleted at once.
   * Switches run one at a time.
   */
  private moveHome(): Promise<void> {
    this.moving = this.moving
      .then(() => this.switchHome())
      .catch((err: unknown) => {
        this.deps.log.warn(`switching HIVE_HOME: ${String(err)}`);
      });
    return this.moving;
  }

  private async switchHome(): Promise<void> {
    const next = hiveHomeSetting();
    if (next === this.home) return;
    const old = this.manager;
    if (old && old.list().length > 0) {
      this.log(`stopping ${old.list().length} live session(s) of ${this.home}`);
      await old.stopAll().catch((err: unknown) => this.deps.log.warn(`stopping sessions: ${String(err)}`));
    }
    await this.sessionIndex?.close();
    this.log(`HIVE_HOME is now ${next}`);
    this.home = next;
    this.manager = undefined;
    this.managerPromise = undefined;
    this.sessionIndex = undefined;
    this.offManager?.();
    this.offManager = undefined;
    this.homeChanged.fire(next);
    this.liveChanged.fire();
  }

  private log(m: string): void {
    this.deps.log.info(m);
  }

  async shutdown(): Promise<void> {
    await this.manager?.stopAll();
    await this.sessionIndex?.close();
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.offManager?.();
    this.liveChanged.dispose();
    this.homeChanged.dispose();
  }
}
