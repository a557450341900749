/**
 * The Bandwidth section of `<darkswap-settings>`: file transfer limit, daily cap, data saver with the network's
 * suggestion, time profiles (list, remove, add), a recommended limit measured from the links, and usage today and
 * this month. Templates only; the element owns the state.
 */
import { html, nothing } from 'lit';
import { activeProfile, type BandwidthProfile } from '../../features/settings/bandwidth-schedule.js';
import { formatBytes } from '../../features/settings/settings.format.js';
import type { Settings } from '../../features/settings/settings.model.js';
import { field, numberOf, type SettingsView } from './settings.render.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "Mon–Fri" for a run of days, "Sat, Sun" otherwise. */
export function daysText(days: readonly number[]): string {
  const sorted = [...days].sort((a, b) => a - b);
  const run = sorted.length > 2 && sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  return run ? `${DAYS[sorted[0]!]}–${DAYS[sorted.at(-1)!]}` : sorted.map((d) => DAYS[d]).join(', ');
}

/** One profile in words: "Office hours: Mon–Fri 09:00–17:00 · files 125.0 kB/s". */
export function profileText(p: BandwidthProfile): string {
  const caps = [
    p.bulkBps !== undefined ? `files ${formatBytes(p.bulkBps)}/s` : '',
    p.dailyCapBytes !== undefined ? `${formatBytes(p.dailyCapBytes)} a day` : '',
  ].filter(Boolean);
  return `${p.name}: ${daysText(p.days)} ${p.start}–${p.end}${caps.length ? ` · ${caps.join(', ')}` : ''}`;
}

function addProfile(v: SettingsView, e: Event): void {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  const days = DAYS.map((_, i) => i).filter((i) => input(`day-${i}`).checked);
  const bulk = numberOf(input('profile-bulk'), 1_000);
  const cap = numberOf(input('profile-cap'), 1_000_000);
  const profile = {
    name: input('profile-name').value,
    days,
    start: input('profile-start').value,
    end: input('profile-end').value,
    ...(bulk !== null ? { bulkBps: bulk ?? Number.NaN } : {}),
    ...(cap !== null ? { dailyCapBytes: cap ?? Number.NaN } : {}),
  } as BandwidthProfile;
  void v.addProfile(profile).then((ok) => ok && form.reset());
}

function usageLine(label: string, u: { sent: number; received: number; bulkSent: number; bulkReceived: number }) {
  return html`<p>
    ${label}: sent ${formatBytes(u.sent)}, received ${formatBytes(u.received)} (files ${formatBytes(u.bulkSent)} / ${formatBytes(u.bulkReceived)})
  </p>`;
}

export function renderBandwidth(v: SettingsView) {
  const b = v.value.bandwidth;
  const numberField = (name: 'bulkBps' | 'dailyCapBytes', label: string, unit: number) =>
    field(
      v,
      `bandwidth.${name}`,
      label,
      (id, described, invalid) =>
        html`<input
          id=${id}
          type="text"
          inputmode="decimal"
          placeholder="No limit"
          .value=${b[name] === null ? '' : String(b[name] / unit)}
          ?disabled=${v.pinned(`bandwidth.${name}`)}
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby=${described}
          @change=${(e: Event) => {
            const n = numberOf(e.target as HTMLInputElement, unit);
            v.save({ bandwidth: { [name]: n === undefined ? Number.NaN : n } }, `bandwidth.${name}`);
          }}
        />`,
    );
  const now = activeProfile(b.profiles, new Date());
  const net = v.network;
  return html`<section part="section" data-section="bandwidth" aria-labelledby="s-bandwidth">
    <h3 part="section-title" id="s-bandwidth">Bandwidth</h3>
    ${numberField('bulkBps', 'File transfer limit (kB/s; empty: no limit)', 1_000)}
    ${numberField('dailyCapBytes', 'Daily data cap for files (MB; empty: none)', 1_000_000)}
    ${field(
      v,
      'bandwidth.dataSaver',
      'Data saver',
      (id, described) =>
        html`<select
          id=${id}
          ?disabled=${v.pinned('bandwidth.dataSaver')}
          aria-describedby=${described}
          @change=${(e: Event) => v.save({ bandwidth: { dataSaver: (e.target as HTMLSelectElement).value as Settings['bandwidth']['dataSaver'] } }, 'bandwidth.dataSaver')}
        >
          <option value="auto" ?selected=${b.dataSaver === 'auto'}>Automatic (when the browser asks to save data)</option>
          <option value="on" ?selected=${b.dataSaver === 'on'}>On</option>
          <option value="off" ?selected=${b.dataSaver === 'off'}>Off</option>
        </select>`,
    )}
    ${
      net?.supported
        ? html`<p part="network-hint" class="note" data-suggest=${net.suggestion.suggest ? 'true' : 'false'}>
            ${net.suggestion.reason}${b.dataSaver === 'auto' ? (net.suggestion.suggest ? ' Data saver is on.' : ' Data saver is off.') : ''}
          </p>`
        : nothing
    }
    <div class="field">
      <span class="note" id="profiles-title">Time profiles ${now ? html`· now: <strong part="active-profile">${now.name}</strong>` : nothing}</span>
      ${
        b.profiles.length
          ? html`<ul part="profiles" aria-labelledby="profiles-title">
              ${b.profiles.map(
                (p, i) =>
                  html`<li part="profile">
                    <span>${profileText(p)}</span>
                    <div class="row">
                      <button
                        part="remove-profile-button"
                        type="button"
                        class="secondary"
                        ?disabled=${v.pinned('bandwidth.profiles')}
                        @click=${() => v.removeProfile(i)}
                      >
                        Remove
                      </button>
                    </div>
                  </li>`,
              )}
            </ul>`
          : html`<p class="note">None: the limits above apply at all times.</p>`
      }
      <p part="field-error" id="f-bandwidth-profiles-error" role="alert">${v.errors['bandwidth.profiles'] ?? ''}</p>
    </div>
    ${
      v.pinned('bandwidth.profiles')
        ? html`<p part="pinned-note">Set by this site.</p>`
        : html`<form class="field" aria-label="Add a time profile" @submit=${(e: Event) => addProfile(v, e)}>
            <label for="profile-name">Profile name</label>
            <input id="profile-name" name="profile-name" required maxlength="64" placeholder="Office hours" />
            <fieldset class="row">
              <legend>Days</legend>
              ${DAYS.map((d, i) => html`<label><input type="checkbox" name="day-${i}" ?checked=${i >= 1 && i <= 5} /> ${d}</label>`)}
            </fieldset>
            <div class="row">
              <label for="profile-start">From</label>
              <input id="profile-start" name="profile-start" type="time" required value="09:00" />
              <label for="profile-end">to</label>
              <input id="profile-end" name="profile-end" type="time" required value="17:00" />
            </div>
            <label for="profile-bulk">File transfer limit meanwhile (kB/s)</label>
            <input id="profile-bulk" name="profile-bulk" type="text" inputmode="decimal" />
            <label for="profile-cap">Daily cap meanwhile (MB)</label>
            <input id="profile-cap" name="profile-cap" type="text" inputmode="decimal" />
            <div class="row"><button part="add-profile-button" type="submit">Add profile</button></div>
          </form>`
    }
    <div class="field">
      <div class="row">
        <button part="measure-button" type="button" class="secondary" ?disabled=${v.measuring} @click=${() => v.measure()}>
          ${v.measuring ? 'Measuring…' : 'Recommend a limit'}
        </button>
      </div>
      ${
        v.recommendation
          ? html`<p part="recommendation" role="status">${v.recommendation.reason}</p>
              ${
                v.recommendation.bulkBps !== undefined && !v.pinned('bandwidth.bulkBps')
                  ? html`<div class="row">
                      <button
                        part="use-recommended-button"
                        type="button"
                        @click=${() => v.save({ bandwidth: { bulkBps: v.recommendation!.bulkBps! } }, 'bandwidth.bulkBps')}
                      >
                        Use ${formatBytes(v.recommendation.bulkBps)}/s
                      </button>
                    </div>`
                  : nothing
              }`
          : nothing
      }
    </div>
    ${v.usage ? html`<div part="usage">${usageLine('Today', v.usage.today)} ${usageLine('This month', v.usage.month)}</div>` : nothing}
  </section>`;
}
