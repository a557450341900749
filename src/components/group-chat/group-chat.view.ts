/**
 * What `<darkswap-group-chat>` shows, in words: pure helpers over the chat engine's summaries and messages.
 * Names never decide trust: a contact's name (the page's `names`) shows as is; any other name is what its
 * author claims and always shows with the key's fingerprint (chat.model.ts `authorOf`).
 */
import type { ChatGroupSummary } from '../../features/chat/chat.types.js';
import { authorOf, fingerprint, type Author, type MemberStatus } from '../../features/chat/chat.model.js';

export const STATUS_WORDS: Readonly<Record<MemberStatus, string>> = Object.freeze({
  member: 'Member',
  invited: 'Invited',
  left: 'Left',
});

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
  return n > 99 ? '99+' : String(n);
}

/** The time of a message: the time alone today, else the date too (the page's language). */
export function formatTime(t: number, now = Date.now(), locale?: string): string {
  const day = (x: number) => new Date(x).toDateString();
  const options: Intl.DateTimeFormatOptions = day(t) === day(now) ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' };
  return new Intl.DateTimeFormat(locale, options).format(t);
}

/** One line of the group list for screen readers: title, status, unread. */
export function groupLine(title: string, s: ChatGroupSummary): string {
  const parts = [title];
  if (s.kind === 'dm') parts.push('direct conversation');
  if (s.status !== 'member') parts.push(STATUS_WORDS[s.status].toLowerCase());
  if (s.unread) parts.push(`${s.unread} unread`);
  return parts.join(', ');
}

/** What the polite live region says about a new message (one at a time; long texts cut). */
export function announce(a: Author, text: string, where: string): string {
  const short = text.length > 140 ? `${text.slice(0, 140)}…` : text;
  return `${authorText(a)} in ${where}: ${short}`;
}

export { fingerprint };
