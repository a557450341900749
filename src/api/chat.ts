// <darkswap-group-chat> and the chat feature (all-in-one: loadWidget('group-chat')).
export { DarkswapGroupChat } from '../components/group-chat/group-chat.js';
export * from '../components/group-chat/group-chat.events.js';
export {
  ChatEngine,
  CHAT_FEATURE,
  ChatEngineEvent,
  ChatError,
  CHAT_ERROR_CODES,
  type ChatErrorCode,
  type ChatEngineOptions,
  type ChatGroupSummary,
} from '../features/chat/chat.engine.js';
export {
  CHAT_CHANNEL,
  CHAT_REJECT_REASONS,
  ChatMessageSchema,
  ItemSchema as ChatItemSchema,
  MAX_TEXT as CHAT_MAX_TEXT,
  signItem as signChatItem,
  verifyItem as verifyChatItem,
  parseItem as parseChatItem,
  groupIdFor as chatGroupIdFor,
  dmIdFor as chatDirectIdFor,
  type ChatItem,
  type ChatMessage,
  type ChatOp,
  type ChatRejectReason,
} from '../features/chat/chat.protocol.js';
export { authorOf as chatAuthorOf, fingerprint as keyFingerprint, type Author as ChatAuthor, type MemberStatus } from '../features/chat/chat.model.js';
export { idbChatStore, MemoryChatStore, type ChatPersistence } from '../features/chat/chat.store.js';
