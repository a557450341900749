/** Public events of `<darkswap-settings>`: bubble, cross shadow roots, typed detail. */
import type { Settings, SettingsSection } from '../../features/settings/settings.model.js';
import { DarkswapEvent } from '../../internal/events.js';

export interface SettingsChangeDetail {
  /** The settings in effect now. */
  settings: Settings;
  /** The sections that changed. */
  sections: readonly SettingsSection[];
  /** `local` (this page), `tab` (another tab of the site), `pin` (the host), `load`. */
  origin: 'local' | 'tab' | 'pin' | 'load';
}

/** The settings changed (from this widget, another tab, or the host's pins). */
export class DarkswapSettingsChangeEvent extends DarkswapEvent<SettingsChangeDetail> {
  static readonly type = 'darkswap-settings-change';
  constructor(detail: SettingsChangeDetail) {
    super(DarkswapSettingsChangeEvent.type, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'darkswap-settings-change': DarkswapSettingsChangeEvent;
  }
}
