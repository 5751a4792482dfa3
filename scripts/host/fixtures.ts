// Throwaway copies of the sample data for one host-test run: a HIVE_HOME in Hive's format (with a
// damaged session) and the sample workspace (a colony folder), plus the environment that points the
// extension at them. Tests never see the real ~/.hive or the real Anthropic API.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './host-env';

export interface HostFixtures {
  hiveHome: string;
  workspace: string;
  /** Given to code-server (so to the installed extension) and as extensionEnvironment. */
  env: Record<string, string>;
}

export interface FixtureOptions {
  /** The scripted model server (scripts/host/model-server.ts) the extension should talk to. */
  modelUrl?: string;
}

export function prepareFixtures(workDir: string, opts: FixtureOptions = {}): HostFixtures {
  const hiveHome = path.join(workDir, 'hive-home');
  const workspace = path.join(workDir, 'workspace');
  fs.cpSync(path.join(repoRoot, 'sample', 'hive-home'), hiveHome, { recursive: true });
  fs.cpSync(path.join(repoRoot, 'sample', 'workspace'), workspace, { recursive: true });
  return {
    hiveHome,
    workspace,
    env: {
      HIVE_HOME: hiveHome,
      // The scripted model server's URL when a run provides one; otherwise a loopback port nothing
      // listens on, so a test that reaches the model fails fast instead of calling the real API.
      ANTHROPIC_BASE_URL: opts.modelUrl ?? process.env.HIVE_TEST_MODEL_URL ?? 'http://127.0.0.1:9',
      ANTHROPIC_API_KEY: 'test-key',
      HIVE_TEST_RUN: '1',
    },
  };
}
