/**
 * The settings store of one page (by name): the validated document persisted in IndexedDB (database
 * `darkswap-settings`), kept in step across the site's tabs with a BroadcastChannel, with values the host pins
 * layered on top (users cannot change them). Widgets share one store per name (`SettingsStore.open`), reached
 * through the settings context; `<darkswap-connection settings>` applies it to its service live.
 *
 * Every change is all or nothing: validated first, then saved, then announced (`change` event with the sections
 * that changed). Tabs order changes by a revision number (ties broken by the writer's id), so every tab ends on
 * the same document.
 */
import { createStore, get, update, del, type UseStore } from 'idb-keyval';
import {
  applyPatch,
  changedSections,
  DEFAULT_SETTINGS,
  migrate,
  patchFields,
  SettingsError,
  validateSettings,
  type Settings,
  type SettingsPatch,
  type SettingsSection,
} from './settings.model.js';

/** What a store saves and broadcasts: the document and its revision. */
interface Record_ {
  readonly rev: number;
  readonly writer: string;
  readonly settings: unknown;
}

/** The `change` event: the effective settings now, the sections that changed, and where the change came from. */
export class SettingsChangeEvent extends Event {
  constructor(
    readonly settings: Settings,
    readonly sections: readonly SettingsSection[],
    readonly origin: 'local' | 'tab' | 'pin' | 'load',
  ) {
    super('change');
  }
}

/** A settings file (export/import). */
export interface SettingsFile {
  readonly kind: 'darkswap-settings';
  readonly exportedAt: string;
  readonly settings: Settings;
}

const NAME = /^[\w-]{1,64}$/;
const STORES = Symbol.for('darkswap.settings-stores.v1');

let idb: UseStore | undefined;
const database = () => (idb ??= createStore('darkswap-settings', 'settings'));

function stores(): Map<string, SettingsStore> {
  const g = globalThis as Record<symbol, unknown>;
  return (g[STORES] ??= new Map()) as Map<string, SettingsStore>;
}

export class SettingsStore extends EventTarget {
  /** Resolves once the saved document (if any) is loaded; changes wait for it. */
  readonly ready: Promise<void>;
  private saved: Settings = DEFAULT_SETTINGS;
  private pinned: SettingsPatch = {};
  private effective: Settings = DEFAULT_SETTINGS;
  private rev = 0;
  private readonly writer = crypto.randomUUID();
  private readonly channel: BroadcastChannel | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** The store named `name` on this page (one per name, shared by every widget and copy of the kit). */
  static open(name = 'default'): SettingsStore {
    if (!NAME.test(name)) throw new SettingsError('invalid', `Settings name "${name.slice(0, 64)}" may hold letters, digits, - and _ only.`);
    let store = stores().get(name);
    if (!store || store.closed) stores().set(name, (store = new SettingsStore(name)));
    return store;
  }

  private constructor(readonly name: string) {
    super();
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`darkswap-settings:${name}`) : undefined;
    this.channel?.addEventListener('message', (e: MessageEvent) => this.fromTab(e.data));
    this.ready = this.load();
  }

  /** The settings in effect: what is saved, with the host's pins on top. */
  get value(): Settings {
    return this.effective;
  }

  /** `section.field` paths the host pinned (read-only for users). */
  get pinnedFields(): readonly string[] {
    return patchFields(this.pinned);
  }

  isPinned(field: string): boolean {
    return this.pinnedFields.includes(field);
  }

  /**
   * Pins values (host only): they take effect at once and users cannot change them; `{}` unpins everything.
   * Throws SettingsError('invalid') for a value that does not validate (and pins nothing).
   */
  pin(patch: SettingsPatch): void {
    applyPatch(DEFAULT_SETTINGS, patch);
    this.pinned = patch;
    this.recompute('pin');
  }

  /**
   * Changes settings: validated against the whole document, refused for a pinned field, saved, then sent to the
   * site's other tabs. Resolves to the effective settings; rejects with a SettingsError and changes nothing.
   */
  update(patch: SettingsPatch): Promise<Settings> {
    return this.serial(async () => {
      const pinned = patchFields(patch).find((f) => this.isPinned(f));
      if (pinned) throw new SettingsError('pinned', `${pinned} is set by this site and cannot be changed here.`, pinned);
      const next = applyPatch(this.saved, patch);
      await this.commit(next);
      return this.effective;
    });
  }

  /** Back to the defaults (a section, or everything). */
  reset(section?: SettingsSection): Promise<Settings> {
    return this.serial(async () => {
      const next = section ? { ...this.saved, [section]: DEFAULT_SETTINGS[section] } : DEFAULT_SETTINGS;
      await this.commit(validateSettings(next));
      return this.effective;
    });
  }

  /** The saved settings as a file. */
  export(): SettingsFile {
    return { kind: 'darkswap-settings', exportedAt: new Date().toISOString(), settings: this.saved };
  }

  /**
   * Replaces the saved settings with an exported file's, all or nothing: a file that is not ours, from a newer
   * version or invalid anywhere is refused with a SettingsError naming why, and nothing changes. Pins still win.
   */
  import(file: unknown): Promise<Settings> {
    return this.serial(async () => {
      const f = file as Partial<SettingsFile> | null;
      if (typeof f !== 'object' || f === null || f.kind !== 'darkswap-settings')
        throw new SettingsError('not-ours', 'This file is not a DarkSwap settings export.');
      await this.commit(migrate(f.settings));
      return this.effective;
    });
  }

  /**
   * Reads the saved document again (after a restore wrote IndexedDB behind the store's back) and saves it as a
   * new revision, so the site's other tabs take it too.
   */
  reload(): Promise<Settings> {
    return this.serial(async () => {
      this.rev = 0;
      await this.load();
      await this.commit(this.saved);
      return this.effective;
    });
  }

  /** Stops listening to other tabs; the next `open` of this name makes a fresh store. */
  close(): void {
    this.closed = true;
    this.channel?.close();
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.ready).then(job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<void> {
    try {
      const record = await get<Record_>(this.name, database());
      if (record && typeof record.rev === 'number' && record.rev > this.rev) {
        this.saved = migrate(record.settings);
        this.rev = record.rev;
      }
    } catch (e) {
      // A corrupt or foreign record: keep the defaults, say why (the next change overwrites it).
      this.dispatchEvent(new ErrorEvent('error', { error: e, message: `Saved settings could not be read: ${(e as Error).message}` }));
    }
    this.recompute('load');
  }

  private async commit(next: Settings): Promise<void> {
    // The revision after both mine and the one on disk, in one read-modify-write transaction: two tabs saving at
    // once both land, in an order every tab agrees on.
    let record: Record_ = { rev: this.rev + 1, writer: this.writer, settings: next };
    await update<Record_>(
      this.name,
      (old) => (record = { rev: Math.max(typeof old?.rev === 'number' ? old.rev : 0, this.rev) + 1, writer: this.writer, settings: next }),
      database(),
    );
    this.rev = record.rev;
    this.saved = next;
    this.channel?.postMessage(record);
    this.recompute('local');
  }

  private fromTab(data: unknown): void {
    const r = data as Partial<Record_> | null;
    if (!r || typeof r.rev !== 'number' || typeof r.writer !== 'string') return;
    // Newer revisions win; on a tie the larger writer id does, so every tab settles on one document.
    if (r.rev < this.rev || (r.rev === this.rev && r.writer <= this.writer)) return;
    try {
      this.saved = migrate(r.settings);
      this.rev = r.rev;
    } catch {
      return; // another version of the kit in another tab: it keeps its own
    }
    this.recompute('tab');
  }

  private recompute(origin: SettingsChangeEvent['origin']): void {
    const before = this.effective;
    try {
      this.effective = applyPatch(this.saved, this.pinned);
    } catch {
      this.effective = this.saved;
    }
    const sections = changedSections(before, this.effective);
    if (sections.length || origin === 'load') this.dispatchEvent(new SettingsChangeEvent(this.effective, sections, origin));
  }

  /** @internal Tests: forget the saved document of `name`. */
  static async forget(name: string): Promise<void> {
    stores().get(name)?.close();
    stores().delete(name);
    await del(name, database());
  }
}
