/**
 * The page's settings: one versioned, validated document (valibot) — general, connection and bandwidth — with
 * its defaults, deep patches checked field by field (a bad patch changes nothing and says which field and why),
 * values a host pins so users cannot change them, and migrations from older versions. Pure: no storage, no DOM.
 */
import * as v from 'valibot';
import { ICE_PRESETS, validateIceServers } from '../../core/ice.js';
import { BandwidthProfilesSchema } from './bandwidth-schedule.js';

export const SETTINGS_VERSION = 1;

const ICE_URL = /^(stun|turns?):(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/i;

const IceServerSchema = v.pipe(
  v.strictObject({
    urls: v.union([
      v.pipe(v.string(), v.regex(ICE_URL, 'is not a stun:, turn: or turns: URL with a host')),
      v.pipe(
        v.array(v.pipe(v.string(), v.regex(ICE_URL, 'is not a stun:, turn: or turns: URL with a host'))),
        v.minLength(1, 'needs at least one URL'),
        v.maxLength(8),
      ),
    ]),
    username: v.optional(v.pipe(v.string(), v.maxLength(512))),
    credential: v.optional(v.pipe(v.string(), v.maxLength(512))),
  }),
  v.check((s) => {
    const urls = typeof s.urls === 'string' ? [s.urls] : s.urls;
    return !urls.some((u) => /^turns?:/i.test(u)) || (s.username !== undefined && s.credential !== undefined);
  }, 'a TURN server needs a username and a credential'),
);

const SignalingUrlSchema = v.pipe(
  v.string(),
  v.maxLength(512),
  // One URL, or several of one cluster separated by spaces or commas (tried in order).
  v.check(
    (s) =>
      s === '' ||
      s
        .split(/[\s,]+/)
        .filter(Boolean)
        .every((one) => {
          try {
            const u = new URL(one);
            return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
          } catch {
            return false;
          }
        }),
    'is not an http(s) URL (or several, separated by spaces), e.g. https://signal.example/peerjs',
  ),
);

const Rate = v.nullable(
  v.pipe(v.number('is not a number'), v.finite('is not a number'), v.minValue(0, 'cannot be negative'), v.maxValue(10e9, 'is too large')),
);

export const SettingsSchema = v.strictObject({
  version: v.literal(SETTINGS_VERSION),
  general: v.strictObject({
    /** Shown to peers who look at my announcements (discovery, chat); plain text. */
    displayName: v.pipe(v.string(), v.trim(), v.maxLength(64, 'is longer than 64 characters')),
  }),
  connection: v.strictObject({
    /** Empty: the connection provider's own signaling server. */
    signalingUrl: SignalingUrlSchema,
    icePreset: v.picklist(ICE_PRESETS, `must be one of ${ICE_PRESETS.join(', ')}`),
    iceServers: v.pipe(v.array(IceServerSchema), v.maxLength(16, 'holds at most 16 servers')),
  }),
  bandwidth: v.strictObject({
    /** Page budget for bulk data in bytes per second (null: unlimited). */
    bulkBps: Rate,
    /** Bulk bytes per local day (null: no cap). */
    dailyCapBytes: Rate,
    /** Relative share of each bulk channel when they compete under the budget (default 1). */
    weights: v.pipe(
      v.record(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,31}$/)), v.pipe(v.number(), v.finite(), v.minValue(0.01), v.maxValue(100))),
      v.check((r) => Object.keys(r).length <= 32),
    ),
    /** `auto`: follow the Network Information API's suggestion; `on`/`off`: the user's choice. */
    dataSaver: v.picklist(['auto', 'on', 'off']),
    /** Time profiles (bandwidth-schedule.ts): while one is active its caps replace the ones above. */
    profiles: BandwidthProfilesSchema,
  }),
});

export type Settings = v.InferOutput<typeof SettingsSchema>;
export type SettingsSection = Exclude<keyof Settings, 'version'>;
export const SETTINGS_SECTIONS: readonly SettingsSection[] = ['general', 'connection', 'bandwidth'];

/** A deep patch: any sections, any of their fields. */
export type SettingsPatch = { readonly [S in SettingsSection]?: Partial<Settings[S]> };

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  version: SETTINGS_VERSION,
  general: { displayName: '' },
  connection: { signalingUrl: '', icePreset: 'default', iceServers: [] },
  bandwidth: { bulkBps: null, dailyCapBytes: null, weights: {}, dataSaver: 'auto', profiles: [] },
}) as Settings;

export type SettingsErrorCode = 'invalid' | 'pinned' | 'not-ours' | 'newer' | 'corrupt';

/** A refused change or import, with the field it is about (`connection.iceServers.0.urls`) when there is one. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly code: SettingsErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const FIELD_WORDS: Record<string, string> = {
  'general.displayName': 'Display name',
  'connection.signalingUrl': 'Signaling URL',
  'connection.icePreset': 'ICE preset',
  'connection.iceServers': 'ICE servers',
  'bandwidth.bulkBps': 'Bulk data limit',
  'bandwidth.dailyCapBytes': 'Daily data cap',
  'bandwidth.weights': 'Channel weights',
  'bandwidth.dataSaver': 'Data saver',
  'bandwidth.profiles': 'Time profile',
};

function pathOf(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((p) => String(p.key)).join('.');
}

/** Validates a whole document; throws SettingsError('invalid') naming the first bad field in plain words. */
export function validateSettings(value: unknown): Settings {
  const r = v.safeParse(SettingsSchema, value);
  if (r.success) {
    // The connection service's own check too (it is the one that will apply them).
    try {
      validateIceServers(r.output.connection.iceServers);
    } catch (e) {
      throw new SettingsError('invalid', `ICE servers: ${(e as Error).message}`, 'connection.iceServers');
    }
    return r.output;
  }
  const issue = r.issues[0];
  const field = pathOf(issue);
  const base = Object.keys(FIELD_WORDS).find((k) => field === k || field.startsWith(`${k}.`));
  const label = base
    ? FIELD_WORDS[base]! +
      field
        .slice(base.length)
        .replace(/\.(\d+)/g, ' #$1')
        .replace(/\./g, ' ')
    : field || 'Settings';
  throw new SettingsError('invalid', `${label}: ${issue.message}.`, field || undefined);
}

/** The document with `patch` applied (sections merged field by field); validated, or a SettingsError. */
export function applyPatch(settings: Settings, patch: SettingsPatch): Settings {
  const next: Record<string, unknown> = { version: SETTINGS_VERSION };
  for (const section of SETTINGS_SECTIONS) next[section] = { ...settings[section], ...(patch[section] ?? {}) };
  for (const key of Object.keys(patch)) {
    if (!SETTINGS_SECTIONS.includes(key as SettingsSection)) throw new SettingsError('invalid', `There is no settings section "${key}".`, key);
  }
  return validateSettings(next);
}

/** The `section.field` paths a patch sets. */
export function patchFields(patch: SettingsPatch): string[] {
  return SETTINGS_SECTIONS.flatMap((s) => Object.keys(patch[s] ?? {}).map((f) => `${s}.${f}`));
}

/** Which sections differ between two documents. */
export function changedSections(a: Settings, b: Settings): SettingsSection[] {
  return SETTINGS_SECTIONS.filter((s) => JSON.stringify(a[s]) !== JSON.stringify(b[s]));
}

/** A step from one version's document to the next. */
export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

/**
 * Reads a stored or imported document of any known version: older versions run through `migrations` (index
 * `n` takes version `n` to `n + 1`); a newer version or a foreign object is refused with its own code.
 */
export function migrate(raw: unknown, migrations: readonly Migration[] = MIGRATIONS, current = SETTINGS_VERSION): Settings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SettingsError('not-ours', 'These are not DarkSwap settings.');
  let doc = raw as Record<string, unknown>;
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0)
    throw new SettingsError('not-ours', 'These are not DarkSwap settings (no version).');
  if (version > current) {
    throw new SettingsError('newer', `These settings come from a newer version of the kit (format ${version}; this one reads up to ${current}).`);
  }
  for (let n = version; n < current; n++) {
    const step = migrations[n];
    if (!step) throw new SettingsError('not-ours', `No migration from settings format ${n}.`);
    doc = { ...step(doc), version: n + 1 };
  }
  return current === SETTINGS_VERSION ? validateSettings(doc) : (doc as unknown as Settings);
}

/**
 * Format 0 was the connection attributes a page kept by itself (`{iceServers, icePreset, signalingUrl}` at the
 * top level, as `<darkswap-connection>` takes them); format 1 is this document.
 */
export const MIGRATIONS: readonly Migration[] = [
  (old) => ({
    version: 1,
    general: { displayName: typeof old.displayName === 'string' ? old.displayName : '' },
    connection: {
      signalingUrl: typeof old.signalingUrl === 'string' ? old.signalingUrl : '',
      icePreset: old.icePreset ?? 'default',
      iceServers: old.iceServers ?? [],
    },
    bandwidth: { ...DEFAULT_SETTINGS.bandwidth },
  }),
];
