// Entry of dist/chat.js (see bundles.ts): the chat panel, its bridge to a session and the protocol
// schemas, required when a chat first opens (lazyChat.ts).

export { ChatController } from './chat';
