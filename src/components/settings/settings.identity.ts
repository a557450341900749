/**
 * The identity part of `<darkswap-settings>` General: my key, its backup (download), a new identity made with an
 * encrypted backup, and a restore from a backup file. Templates only; the element owns the state.
 */
import { msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import type { IdentityBackup } from '../../core/identity-backup.js';
import { MIN_PASSPHRASE } from '../../core/passphrase.js';

export interface IdentityView {
  readonly publicKey: string | undefined;
  /** The persistent identity's name (undefined: a temporary identity, nothing to back up). */
  readonly name: string | undefined;
  readonly backup: IdentityBackup | undefined;
  readonly busy: boolean;
  readonly message: string;
  readonly error: string;
  downloadBackup(): void;
  createWithBackup(passphrase: string, repeat: string): void;
  restore(file: File | undefined, passphrase: string): void;
}

function groupKey(hex: string | undefined): string {
  return hex ? (hex.match(/.{1,4}/g) ?? []).join(' ') : '—';
}

function submit(e: Event, act: (form: HTMLFormElement) => void): void {
  e.preventDefault();
  act(e.target as HTMLFormElement);
}

const value = (form: HTMLFormElement, name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;

export function renderIdentity(v: IdentityView) {
  return html`<div class="field">
    <span class="note">${msg('My identity key')}</span>
    <code part="fingerprint">${groupKey(v.publicKey)}</code>
    <p class="note">${msg('It stays in this browser and cannot be read out, not even by this page: peers pin it to recognise you.')}</p>
    ${
      !v.name
        ? html`<p class="note">${msg('This page uses a temporary identity: there is nothing to back up.')}</p>`
        : html`${
              v.backup
                ? html`<p part="backup-status">
                      ${msg(str`A backup of this identity exists (made ${v.backup.createdAt.slice(0, 10)}), encrypted with its passphrase.`)}
                    </p>
                    <div class="row">
                      <button part="backup-download-button" type="button" class="secondary" @click=${() => v.downloadBackup()}>
                        ${msg('Download the backup')}
                      </button>
                    </div>`
                : html`<p part="backup-status">${msg('This identity was made without a backup, so it cannot be exported.')}</p>`
            }
            <form
              part="new-identity-form"
              class="field"
              aria-label=${msg('New identity with a backup')}
              @submit=${(e: Event) => submit(e, (f) => v.createWithBackup(value(f, 'pass'), value(f, 'repeat')))}
            >
              <p class="note">
                ${msg(
                  'A new identity with an encrypted backup replaces this one: peers who pinned you will see a new key. Keep the passphrase: without it the backup cannot be opened.',
                )}
              </p>
              <label for="new-pass">${msg(str`Passphrase (at least ${MIN_PASSPHRASE} characters)`)}</label>
              <input id="new-pass" name="pass" type="password" autocomplete="new-password" required minlength=${MIN_PASSPHRASE} />
              <label for="new-repeat">${msg('Passphrase again')}</label>
              <input id="new-repeat" name="repeat" type="password" autocomplete="new-password" required />
              <div class="row">
                <button part="create-identity-button" type="submit" ?disabled=${v.busy}>${msg('Make a new identity with a backup')}</button>
              </div>
            </form>
            <form
              part="restore-form"
              class="field"
              aria-label=${msg('Restore an identity')}
              @submit=${(e: Event) => submit(e, (f) => v.restore((f.elements.namedItem('file') as HTMLInputElement).files?.[0], value(f, 'pass')))}
            >
              <label for="restore-file">${msg('Restore from a backup file')}</label>
              <input id="restore-file" name="file" type="file" accept="application/json,.json" required />
              <label for="restore-pass">${msg('Its passphrase')}</label>
              <input id="restore-pass" name="pass" type="password" autocomplete="current-password" required />
              <div class="row"><button part="restore-button" type="submit" ?disabled=${v.busy}>${msg('Restore')}</button></div>
            </form>
            <p part="field-error" id="identity-error" role="alert">${v.error}</p>
            ${v.message ? html`<p part="identity-message" role="status">${v.message}</p>` : nothing}`
    }
  </div>`;
}
