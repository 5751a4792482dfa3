// The session event system: Hive's event types, the bus, events.jsonl persistence and the resume offset.
export * from './bus';
export * from './offset';
export * from './persistence';
export * from './timestamp';
export * from './types';
