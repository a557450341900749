/** Public surface of the trade widget folder (types, protocol, persistence, wallet context, events). */
export { DarkswapTrade, type ProposeRequest } from './trade.js';
export * from '../../features/trade/trade.types.js';
export * from './trade.events.js';
export { walletContext, provideWallet, type WalletProvision, type WalletProvider } from '../../context/wallet-context.js';
export {
  proposalToTerms,
  isTradeProposal,
  TradeProposalSchema,
  type TradeProposal,
  type TradeProposalOrder,
  type TradeProposalTake,
} from '../../features/trade/trade.proposal.js';
export {
  TradeStore,
  verifyAuditExport,
  DEFAULT_TRADE_STORE,
  AUDIT_EXPORT_FORMAT,
  type AuditEntry,
  type AuditExport,
  type AuditVerdict,
} from '../../features/trade/trade.store.js';
export {
  TradeMessageSchema,
  stepTrade,
  proposeTrade,
  receiveProposal,
  resumeRecord,
  canCancel,
  isTerminal,
  type TradeMessage,
  type TradeRecord,
  type TradeInput,
  type TradeStep,
  type TradeEffect,
} from '../../features/trade/trade.protocol.js';
