/**
 * File-share messages in the page's language, made at render time. Transfer records keep the English text the
 * feature wrote (a peer receives that text too); these map the texts the feature writes to their translations
 * through msg() and keep anything else (an unknown text, a browser's error detail) as it is.
 */
import { msg, str } from '@lit/localize';

/** A message the other side sends (reject/error), when it is one the kit writes. */
function peerText(text: string): string {
  switch (text) {
    case 'The receiver declined the offer.':
      return msg('The receiver declined the offer.');
    case 'The receiver cannot store files.':
      return msg('The receiver cannot store files.');
    case 'The files are no longer available.':
      return msg('The files are no longer available.');
    case 'No such transfer here.':
      return msg('No such transfer here.');
  }
  return refusalText(text);
}

/** An automatic refusal's reason (too many files, too large), or the text as it is. */
function refusalText(text: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^The offer has (.+) files; this receiver accepts at most (.+) per offer\.$/.exec(text))) {
    const [, count, max] = m;
    return msg(str`The offer has ${count} files; this receiver accepts at most ${max} per offer.`);
  }
  if ((m = /^The offer is (.+); this receiver accepts at most (.+) per offer\.$/.exec(text))) {
    const [, size, max] = m;
    return msg(str`The offer is ${size}; this receiver accepts at most ${max} per offer.`);
  }
  return text;
}

/** Why a transfer stopped or waits (`TransferInfo.reason.message`), for display. */
export function transferReasonText(text: string): string {
  switch (text) {
    case 'You cancelled this transfer.':
      return msg('You cancelled this transfer.');
    case 'The other side cancelled this transfer.':
      return msg('The other side cancelled this transfer.');
    case 'Declined by the page.':
      return msg('Declined by the page.');
    case 'You declined this offer.':
      return msg('You declined this offer.');
    case 'The sender no longer has these files (their page was reloaded or closed). The partial data is kept until you discard it.':
      return msg('The sender no longer has these files (their page was reloaded or closed). The partial data is kept until you discard it.');
  }
  let m: RegExpExecArray | null;
  if ((m = /^Refused automatically: ([\s\S]*)$/.exec(text))) {
    const why = refusalText(m[1]!);
    return msg(str`Refused automatically: ${why}`);
  }
  if ((m = /^The other side reported: ([\s\S]*)$/.exec(text))) {
    const what = peerText(m[1]!);
    return msg(str`The other side reported: ${what}`);
  }
  if ((m = /^Integrity failed for ([\s\S]*): not offered for download\.$/.exec(text))) {
    const names = m[1];
    return msg(str`Integrity failed for ${names}: not offered for download.`);
  }
  if ((m = /^Chunk (\d+) of "([\s\S]*)" arrived corrupted (\d+) times\.$/.exec(text))) {
    const [, chunk, name, tries] = m;
    return msg(str`Chunk ${chunk} of "${name}" arrived corrupted ${tries} times.`);
  }
  const detail: [RegExp, (why: string) => string][] = [
    [/^Cannot store the files: ([\s\S]*)$/, (why) => msg(str`Cannot store the files: ${why}`)],
    [/^Storing a chunk failed: ([\s\S]*)$/, (why) => msg(str`Storing a chunk failed: ${why}`)],
    [/^Reading the file failed: ([\s\S]*)$/, (why) => msg(str`Reading the file failed: ${why}`)],
    [/^Sending failed: ([\s\S]*)$/, (why) => msg(str`Sending failed: ${why}`)],
    [/^Could not offer: ([\s\S]*)$/, (why) => msg(str`Could not offer: ${why}`)],
  ];
  for (const [re, words] of detail) {
    const hit = re.exec(text);
    if (hit) return words(hit[1]!);
  }
  return text;
}

/** A file's integrity problem (`FileInfo.problem`), for display. */
export function fileProblemText(text: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^Integrity failed: the file hashed to (\S+…), but the sender promised (\S+…)\. Not offered for download\.$/.exec(text))) {
    const [, got, promised] = m;
    return msg(str`Integrity failed: the file hashed to ${got}, but the sender promised ${promised}. Not offered for download.`);
  }
  if ((m = /^The receiver’s SHA-256 \((\S+…)\) does not match this file’s\.$/.exec(text))) {
    const hash = m[1];
    return msg(str`The receiver’s SHA-256 (${hash}) does not match this file’s.`);
  }
  return text;
}

/** Why downloads are held in memory (the storage fallback's reason), for display. */
export function storageProblemText(text: string): string {
  if (text === 'this browser has no private file system') return msg('this browser has no private file system');
  let m: RegExpExecArray | null;
  if ((m = /^the private file system failed \(([\s\S]*)\)$/.exec(text))) {
    const why = m[1];
    return msg(str`the private file system failed (${why})`);
  }
  if (
    (m = /^this page does not let the kit start its file-storage worker \(([\s\S]*)\): allow `worker-src blob:` and the `darkswap` Trusted Types policy$/.exec(
      text,
    ))
  ) {
    const why = m[1];
    return msg(
      str`this page does not let the kit start its file-storage worker (${why}): allow \`worker-src blob:\` and the \`darkswap\` Trusted Types policy`,
    );
  }
  return text;
}

/** Any of the above (the `failed` listener's message: a reason, a file's problem or a refusal), for display. */
export function fileShareMessageText(text: string): string {
  for (const words of [transferReasonText, fileProblemText, peerText]) {
    const shown = words(text);
    if (shown !== text) return shown;
  }
  return text;
}
