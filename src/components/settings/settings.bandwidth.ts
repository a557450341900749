/**
 * The Bandwidth section of `<darkswap-settings>`: file transfer limit, daily cap, data saver with the network's
 * suggestion, time profiles (list, remove, add), a recommended limit measured from the links, and usage today and
 * this month. Templates only; the element owns the state.
 */
import { msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import { activeProfile, type BandwidthProfile } from '../../features/settings/bandwidth-schedule.js';
import { formatBytes, formatDate } from '../../internal/format.js';
import type { Settings } from '../../features/settings/settings.model.js';
import { field, numberOf, type SettingsView } from './settings.render.js';

/** Day numbers, Sunday first (Date#getDay()). */
const DAY_NUMBERS = [0, 1, 2, 3, 4, 5, 6];

/** A day's short name in the active language (`Mon`, `Mo`): 1 January 2023 was a Sunday. */
const dayName = (d: number): string => formatDate(new Date(2023, 0, 1 + d, 12), { weekday: 'short' });

/** "Mon–Fri" for a run of days, "Sat, Sun" otherwise. */
export function daysText(days: readonly number[]): string {
  const sorted = [...days].sort((a, b) => a - b);
  const run = sorted.length > 2 && sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  return run ? `${dayName(sorted[0]!)}–${dayName(sorted.at(-1)!)}` : sorted.map(dayName).join(', ');
}

/** One profile in words: "Office hours: Mon–Fri 09:00–17:00 · files 125.0 kB/s". */
export function profileText(p: BandwidthProfile): string {
  const caps = [
    p.bulkBps !== undefined ? msg(str`files ${formatBytes(p.bulkBps)}/s`) : '',
    p.dailyCapBytes !== undefined ? msg(str`${formatBytes(p.dailyCapBytes)} a day`) : '',
  ].filter(Boolean);
  return `${p.name}: ${daysText(p.days)} ${p.start}–${p.end}${caps.length ? ` · ${caps.join(', ')}` : ''}`;
}

function addProfile(v: SettingsView, e: Event): void {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  const days = DAY_NUMBERS.filter((i) => input(`day-${i}`).checked);
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
    ${msg(str`${label}: sent ${formatBytes(u.sent)}, received ${formatBytes(u.received)} (files ${formatBytes(u.bulkSent)} / ${formatBytes(u.bulkReceived)})`)}
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
          placeholder=${msg('No limit')}
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
    <h3 part="section-title" id="s-bandwidth">${msg('Bandwidth')}</h3>
    ${numberField('bulkBps', msg('File transfer limit (kB/s; empty: no limit)'), 1_000)}
    ${numberField('dailyCapBytes', msg('Daily data cap for files (MB; empty: none)'), 1_000_000)}
    ${field(
      v,
      'bandwidth.dataSaver',
      msg('Data saver'),
      (id, described) =>
        html`<select
          id=${id}
          ?disabled=${v.pinned('bandwidth.dataSaver')}
          aria-describedby=${described}
          @change=${(e: Event) => v.save({ bandwidth: { dataSaver: (e.target as HTMLSelectElement).value as Settings['bandwidth']['dataSaver'] } }, 'bandwidth.dataSaver')}
        >
          <option value="auto" ?selected=${b.dataSaver === 'auto'}>${msg('Automatic (when the browser asks to save data)')}</option>
          <option value="on" ?selected=${b.dataSaver === 'on'}>${msg('On')}</option>
          <option value="off" ?selected=${b.dataSaver === 'off'}>${msg('Off')}</option>
        </select>`,
    )}
    ${
      net?.supported
        ? html`<p part="network-hint" class="note" data-suggest=${net.suggestion.suggest ? 'true' : 'false'}>
            ${net.suggestion.reason}${b.dataSaver === 'auto' ? (net.suggestion.suggest ? msg(' Data saver is on.') : msg(' Data saver is off.')) : ''}
          </p>`
        : nothing
    }
    <div class="field">
      <span class="note" id="profiles-title"
        >${msg('Time profiles')} ${now ? html`· ${msg(html`now: <strong part="active-profile">${now.name}</strong>`)}` : nothing}</span
      >
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
                        ${msg('Remove')}
                      </button>
                    </div>
                  </li>`,
              )}
            </ul>`
          : html`<p class="note">${msg('None: the limits above apply at all times.')}</p>`
      }
      <p part="field-error" id="f-bandwidth-profiles-error" role="alert">${v.errors['bandwidth.profiles'] ?? ''}</p>
    </div>
    ${
      v.pinned('bandwidth.profiles')
        ? html`<p part="pinned-note">${msg('Set by this site.')}</p>`
        : html`<form class="field" aria-label=${msg('Add a time profile')} @submit=${(e: Event) => addProfile(v, e)}>
            <label for="profile-name">${msg('Profile name')}</label>
            <input id="profile-name" name="profile-name" required maxlength="64" placeholder=${msg('Office hours')} />
            <fieldset class="row">
              <legend>${msg('Days')}</legend>
              ${DAY_NUMBERS.map((i) => html`<label><input type="checkbox" name="day-${i}" ?checked=${i >= 1 && i <= 5} /> ${dayName(i)}</label>`)}
            </fieldset>
            <div class="row">
              <label for="profile-start">${msg('From')}</label>
              <input id="profile-start" name="profile-start" type="time" required value="09:00" />
              <label for="profile-end">${msg('to')}</label>
              <input id="profile-end" name="profile-end" type="time" required value="17:00" />
            </div>
            <label for="profile-bulk">${msg('File transfer limit meanwhile (kB/s)')}</label>
            <input id="profile-bulk" name="profile-bulk" type="text" inputmode="decimal" />
            <label for="profile-cap">${msg('Daily cap meanwhile (MB)')}</label>
            <input id="profile-cap" name="profile-cap" type="text" inputmode="decimal" />
            <div class="row"><button part="add-profile-button" type="submit">${msg('Add profile')}</button></div>
          </form>`
    }
    <div class="field">
      <div class="row">
        <button part="measure-button" type="button" class="secondary" ?disabled=${v.measuring} @click=${() => v.measure()}>
          ${v.measuring ? msg('Measuring…') : msg('Recommend a limit')}
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
                        ${msg(str`Use ${formatBytes(v.recommendation.bulkBps)}/s`)}
                      </button>
                    </div>`
                  : nothing
              }`
          : nothing
      }
    </div>
    ${v.usage ? html`<div part="usage">${usageLine(msg('Today'), v.usage.today)} ${usageLine(msg('This month'), v.usage.month)}</div>` : nothing}
  </section>`;
}
