/**
 * What `<darkswap-group-chat>` shows, in words: pure helpers over the chat engine's summaries and messages.
 * Names never decide trust: a contact's name (the page's `names`) shows as is; any other name is what its
 * author claims and always shows with the key's fingerprint (chat.model.ts `authorOf`).
 */
import { msg, str } from '@lit/localize';
import type { ChatGroupSummary } from '../../features/chat/chat.types.js';
import { formatDate, formatNumber } from '../../internal/format.js';
import { authorOf, fingerprint, type Author, type MemberStatus } from '../../features/chat/chat.model.js';

/** A member's status in one word, in the active language. */
export function memberStatusWord(s: MemberStatus): string {
  return s === 'member' ? msg('Member') : s === 'invited' ? msg('Invited') : msg('Left');
}

/** An author as one line of text (screen readers, previews): the fingerprint follows every untrusted name. */
export function authorText(a: Author): string {
  if (a.trusted || a.label === a.fingerprint) return a.label;
  return `${a.label} (${a.fingerprint})`;
}

/** A conversation's title: a group's name, or the other party of a direct conversation (with the name it claims there). */
export function groupTitle(s: ChatGroupSummary, me: string | undefined, names: ReadonlyMap<string, string>, claimed?: string): string {
  if (s.kind === 'group') return s.name;
  return authorText(authorOf(s.partner ?? '', claimed, me, names));
}

/** The unread badge's text. */
export function unreadText(n: number): string {
  return n > 99 ? `${formatNumber(99)}+` : formatNumber(n);
}

/** The time of a message: the time alone today, else the date too (the page's language, or `locale`). */
export function formatTime(t: number, now = Date.now(), locale?: string): string {
  const day = (x: number) => new Date(x).toDateString();
  const options: Intl.DateTimeFormatOptions = day(t) === day(now) ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' };
  return locale ? new Intl.DateTimeFormat(locale, options).format(t) : formatDate(t, options);
}

/** One line of the group list for screen readers: title, status, unread. */
export function groupLine(title: string, s: ChatGroupSummary): string {
  const parts = [title];
  if (s.kind === 'dm') parts.push(msg('direct conversation'));
  if (s.status !== 'member') parts.push(s.status === 'invited' ? msg('invited') : msg('left'));
  if (s.unread) parts.push(msg(str`${formatNumber(s.unread)} unread`));
  return parts.join(', ');
}

/** What the polite live region says about a new message (one at a time; long texts cut). */
export function announce(a: Author, text: string, where: string): string {
  const short = text.length > 140 ? `${text.slice(0, 140)}…` : text;
  return msg(str`${authorText(a)} in ${where}: ${short}`);
}

export { fingerprint };
