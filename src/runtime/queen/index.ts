/** The queen's runtime pieces, for the SessionManager to wire together. */
export * from './default-profiles';
export * from './memory';
export * from './memory-ops';
export * from './phases';
export {
  ensureDefaultQueens,
  type LoadedQueen,
  listQueens,
  loadQueenOrFallback,
  loadQueenProfile,
  type ParsedQueenProfile,
  type ProfileProblem,
  parseQueenProfile,
  profilePath,
  type QueenProfile,
  QueenProfileError,
  QueenProfileNotFoundError,
  QueenProfileSchema,
} from './profiles';
export * from './prompt';
export * from './recall';
export * from './reflection';
export * from './selection';
export * from './types';
