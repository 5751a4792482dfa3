export { type CommandToolOptions, createCommandTool } from './command-tool';
export { FolderJail, PathEscapeError } from './folder-jail';
export { createReadTools, type ReadToolLimits } from './read-tools';
export { createSearchTool, type SearchLimits } from './search-tool';
export * from './tool';
export { createWriteTools, type WriteToolLimits } from './write-tools';
