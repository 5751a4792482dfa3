/** The queen's runtime pieces, for the SessionManager to wire together. */
export * from './memory';
export * from './memory-ops';
export * from './phases';
export * from './profiles';
export * from './prompt';
export * from './recall';
export * from './reflection';
export * from './selection';
export * from './types';
