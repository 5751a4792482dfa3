/**
 * The types Hive's own classes give each field we write (Hive: core/framework/agent_loop/conversation.py
 * Message, host/event_bus.py AgentEvent, server/session_manager.py meta.json readers). A value of another
 * type makes Hive raise (len(None) in estimate_tokens, data.get on a null data) or misread the session.
 */
import assert from 'node:assert/strict';

const isInt = (v: unknown) => Number.isSafeInteger(v);
const isStr = (v: unknown) => typeof v === 'string';
const isBool = (v: unknown) => typeof v === 'boolean';
const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

const MESSAGE_FIELDS: Record<string, (v: unknown) => boolean> = {
  seq: isInt,
  role: (v) => v === 'user' || v === 'assistant' || v === 'tool',
  content: isStr,
  tool_use_id: isStr,
  tool_calls: (v) =>
    Array.isArray(v) &&
    v.every(
      (c) =>
        isObj(c) &&
        isStr(c.id) &&
        c.type === 'function' &&
        isObj(c.function) &&
        isStr(c.function.name) &&
        isStr(c.function.arguments),
    ),
  is_error: isBool,
  phase_id: isStr,
  is_transition_marker: isBool,
  is_client_input: isBool,
  image_content: (v) => Array.isArray(v) && v.every(isObj),
  run_id: isStr,
  is_system_nudge: isBool,
  truncated: isBool,
  inherited_from: isStr,
  is_trigger: isBool,
};

/** A part file's JSON as Message.from_storage_dict takes it: seq/role/content present, every field typed. */
export function assertHiveMessage(part: unknown, where: string): void {
  assert.ok(isObj(part), `${where}: not an object`);
  const p = part as Record<string, unknown>;
  for (const key of ['seq', 'role', 'content']) assert.ok(key in p, `${where}: ${key} missing`);
  for (const [key, value] of Object.entries(p)) {
    const check = MESSAGE_FIELDS[key];
    assert.ok(check, `${where}: ${key} is not a Message field`);
    assert.ok(check(value), `${where}: ${key}=${JSON.stringify(value)} has the wrong type for Hive`);
  }
}

/** One events.jsonl line as AgentEvent.to_dict writes it and session_manager's resume scan reads it. */
export function assertHiveEvent(event: unknown, where: string): void {
  assert.ok(isObj(event), `${where}: not an object`);
  const e = event as Record<string, unknown>;
  assert.ok(isStr(e.type), `${where}: type`);
  assert.ok(isStr(e.stream_id), `${where}: stream_id`);
  assert.ok(isObj(e.data), `${where}: data must be an object (Hive calls data.get)`);
  assert.ok(isStr(e.timestamp), `${where}: timestamp`);
  for (const key of ['node_id', 'execution_id', 'correlation_id', 'colony_id'])
    assert.ok(key in e && (e[key] === null || isStr(e[key])), `${where}: ${key}`);
  const it = (e.data as Record<string, unknown>).iteration;
  assert.ok(it === undefined || isInt(it), `${where}: data.iteration must be an int`);
}

/** meta.json as Hive's session manager reads it. */
export function assertHiveMeta(meta: unknown, where: string): void {
  assert.ok(isObj(meta), `${where}: not an object`);
  const m = meta as Record<string, unknown>;
  assert.ok(typeof m.created_at === 'number', `${where}: created_at must be epoch seconds`);
  assert.ok(isStr(m.queen_id), `${where}: queen_id`);
  for (const key of ['agent_name', 'agent_path', 'phase', 'spawned_colony_name', 'spawned_colony_at'])
    assert.ok(m[key] === undefined || m[key] === null || isStr(m[key]), `${where}: ${key}`);
  for (const key of ['colony_spawned', 'colony_fork'])
    assert.ok(m[key] === undefined || isBool(m[key]), `${where}: ${key}`);
}
