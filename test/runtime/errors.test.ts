import assert from 'node:assert/strict';
import { exitStatusOf, UsageError } from '../../src/cli/run';
import { ColonyFileError } from '../../src/runtime/colony/colony-errors';
import { HiveError, hiveErrorCode } from '../../src/runtime/errors';
import { ModelError, StreamIdleError } from '../../src/runtime/llm/errors';
import { SessionNotFoundError } from '../../src/runtime/session/manager';
import { MetaCorruptError } from '../../src/runtime/storage/meta';
import { UnsafeFileError } from '../../src/runtime/storage/safe-read';
import { SessionLockedError } from '../../src/runtime/storage/session-lock';
import { PathEscapeError } from '../../src/runtime/tools/folder-jail';
import { CronError } from '../../src/runtime/triggers/cron-schedule';
import { TriggerNotFoundError } from '../../src/runtime/triggers/trigger-manager';

describe('HiveError: one base class with a stable code', () => {
  const samples: [Error, string, string][] = [
    [new UsageError('bad flag'), 'USAGE', 'UsageError'],
    [
      new ColonyFileError('/c/worker.json', ['worker.json: goal missing']),
      'COLONY_FILE_INVALID',
      'ColonyFileError',
    ],
    [new ModelError('overloaded', 'busy'), 'MODEL_FAILED', 'ModelError'],
    [new StreamIdleError(100), 'STREAM_IDLE', 'StreamIdleError'],
    [new SessionNotFoundError('session_x'), 'SESSION_NOT_FOUND', 'SessionNotFoundError'],
    [
      new MetaCorruptError({ file: '/m', kind: 'invalid-json', message: 'not JSON' }),
      'META_CORRUPT',
      'MetaCorruptError',
    ],
    [new SessionLockedError('session_x', undefined), 'SESSION_LOCKED', 'SessionLockedError'],
    [new UnsafeFileError('/f', 'EFBIG', 'too large'), 'EFBIG', 'UnsafeFileError'],
    [new PathEscapeError('outside'), 'PATH_ESCAPE', 'PathEscapeError'],
    [new CronError('* *', 'five fields'), 'CRON_INVALID', 'CronError'],
    [new TriggerNotFoundError('t1'), 'TRIGGER_NOT_FOUND', 'TriggerNotFoundError'],
  ];

  it('each error is a HiveError and an Error, keeps its own name and carries its code', () => {
    for (const [err, code, name] of samples) {
      assert.ok(err instanceof HiveError, name);
      assert.ok(err instanceof Error, name);
      assert.equal(err.name, name);
      assert.equal(hiveErrorCode(err), code);
      assert.ok(err.stack?.includes(name), `${name}: the stack names the class`);
    }
    assert.equal(hiveErrorCode(new Error('plain')), undefined);
    assert.equal(hiveErrorCode(Object.assign(new Error('fs'), { code: 'ENOENT' })), undefined);
  });

  it('the CLI exit status follows the code', () => {
    assert.equal(exitStatusOf('SESSION_NOT_FOUND'), 2);
    assert.equal(exitStatusOf('INVALID_ID'), 2);
    assert.equal(exitStatusOf('SESSION_LOCKED'), 3);
    assert.equal(exitStatusOf('SESSION_SPAWNED_COLONY'), 3);
    assert.equal(exitStatusOf('PATH_ESCAPE'), 1);
  });
});
