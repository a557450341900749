/**
 * My side of a call's media: the microphone and camera (or a shared screen) as tracks, their on/off state,
 * device choice, and the errors of getting them in plain words. Framework-free; the engine sends whatever
 * tracks this holds on every leg (`onTrack`), always by `replaceTrack`.
 *
 * - Microphone off = the track disabled (silence still flows, so the call's liveness never depends on it).
 * - Camera off = the camera released (its light goes out) and no video sent.
 * - Screen share replaces the camera's track; when the share ends (here or in the browser's own bar) the camera
 *   comes back if it was on.
 */
import type { MediaKind } from '../../core/link-media.js';

export const MEDIA_ERROR_KINDS = ['denied', 'not-found', 'busy', 'insecure', 'unknown'] as const;
export type MediaErrorKind = (typeof MEDIA_ERROR_KINDS)[number];

/** A camera/microphone/screen request that failed, with words a person can act on. */
export class CallMediaError extends Error {
  override readonly name = 'CallMediaError';
  constructor(
    readonly kind: MediaErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MESSAGES: Record<MediaErrorKind, string> = {
  denied: 'The camera or microphone is blocked for this page. Allow it in the browser’s site settings, then try again.',
  'not-found': 'No camera or microphone was found. Connect one, then try again.',
  busy: 'The camera or microphone is in use by another app, or could not start. Close the other app, then try again.',
  insecure: 'This page cannot use a camera or microphone: it must be served over https.',
  unknown: 'The camera or microphone could not be started.',
};

/** Maps a getUserMedia/getDisplayMedia failure to a `CallMediaError`. Pure. */
export function mediaError(cause: unknown, what = 'camera or microphone'): CallMediaError {
  const name = cause instanceof Error || (typeof cause === 'object' && cause !== null && 'name' in cause) ? String((cause as { name: unknown }).name) : '';
  const kind: MediaErrorKind =
    name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError'
      ? 'denied'
      : name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError'
        ? 'not-found'
        : name === 'NotReadableError' || name === 'AbortError' || name === 'TrackStartError'
          ? 'busy'
          : name === 'TypeError'
            ? 'insecure'
            : 'unknown';
  const message = what === 'screen' && kind === 'denied' ? 'Screen sharing was not allowed.' : MESSAGES[kind];
  return new CallMediaError(kind, message, { cause });
}

export interface LocalMediaOptions {
  /** Where devices come from (default `navigator.mediaDevices`); a page may hand in another. */
  readonly devices?: MediaDevices;
  /** Capture constraints for the camera (default up to 1280×720 at 30 fps). */
  readonly video?: MediaTrackConstraints;
  /** Capture constraints for the microphone. */
  readonly audio?: MediaTrackConstraints;
  /** Called whenever the track to send of a kind changes (null: send nothing). */
  readonly onTrack: (kind: MediaKind, track: MediaStreamTrack | null) => void;
  /** Called on any change of state (for views). */
  readonly onChange?: () => void;
}

export const DEFAULT_VIDEO: MediaTrackConstraints = Object.freeze({ width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } });

export class LocalMedia {
  audio: MediaStreamTrack | null = null;
  camera: MediaStreamTrack | null = null;
  screen: MediaStreamTrack | null = null;
  micOn = true;
  cameraOn = false;
  audioDevice: string | undefined;
  videoDevice: string | undefined;
  /** A preview of what I send (microphone + camera or screen). */
  readonly preview = new MediaStream();
  private stopped = false;

  constructor(private readonly options: LocalMediaOptions) {}

  private get devices(): MediaDevices {
    const devices = this.options.devices ?? (globalThis.navigator?.mediaDevices as MediaDevices | undefined);
    if (!devices) throw new CallMediaError('insecure', MESSAGES.insecure);
    return devices;
  }

  /** What I send now. */
  get flags(): { audio: boolean; video: boolean; screen: boolean } {
    return { audio: !!this.audio && this.micOn, video: !!this.camera && this.cameraOn && !this.screen, screen: !!this.screen };
  }

  /**
   * Gets the microphone, and the camera when `video`. Without a camera, the call goes on with audio only (no
   * error); without a microphone but with a camera, video only. Throws `CallMediaError` when neither works.
   */
  async start(video: boolean): Promise<void> {
    this.stopped = false;
    const audio: MediaTrackConstraints = { ...this.options.audio, ...(this.audioDevice ? { deviceId: { exact: this.audioDevice } } : {}) };
    const cam: MediaTrackConstraints = { ...(this.options.video ?? DEFAULT_VIDEO), ...(this.videoDevice ? { deviceId: { exact: this.videoDevice } } : {}) };
    let stream: MediaStream | undefined;
    let first: unknown;
    try {
      stream = await this.devices.getUserMedia({ audio, video: video ? cam : false });
    } catch (e) {
      first = e;
      const kind = mediaError(e).kind;
      // One of the two may be missing or busy: try each alone before giving up.
      if (video && (kind === 'not-found' || kind === 'busy')) {
        stream = await this.devices.getUserMedia({ audio }).catch(() => undefined);
        stream ??= await this.devices.getUserMedia({ video: cam }).catch(() => undefined);
      }
    }
    if (!stream) throw mediaError(first);
    if (this.stopped) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    this.setAudio(stream.getAudioTracks()[0] ?? null);
    this.setCamera(stream.getVideoTracks()[0] ?? null);
    this.cameraOn = !!this.camera;
  }

  private setAudio(track: MediaStreamTrack | null): void {
    const old = this.audio;
    if (old === track) return;
    if (old) {
      this.preview.removeTrack(old);
      old.stop();
    }
    this.audio = track;
    if (track) {
      track.enabled = this.micOn;
      this.preview.addTrack(track);
    }
    this.options.onTrack('audio', track);
    this.options.onChange?.();
  }

  private setCamera(track: MediaStreamTrack | null): void {
    const old = this.camera;
    if (old === track) return;
    if (old) old.stop();
    this.camera = track;
    this.videoChanged();
  }

  /** The video to send and preview: the screen while sharing, else the camera when on. */
  private videoChanged(): void {
    const send = this.screen ?? (this.cameraOn ? this.camera : null);
    for (const t of this.preview.getVideoTracks()) if (t !== send) this.preview.removeTrack(t);
    if (send && !this.preview.getVideoTracks().includes(send)) this.preview.addTrack(send);
    this.options.onTrack('video', send);
    this.options.onChange?.();
  }

  setMic(on: boolean): void {
    this.micOn = on;
    if (this.audio) this.audio.enabled = on;
    this.options.onChange?.();
  }

  /** Camera off releases the device; on gets it again (throws `CallMediaError` when it cannot). */
  async setCameraOn(on: boolean): Promise<void> {
    if (on === this.cameraOn && (!on || this.camera)) return;
    if (!on) {
      this.cameraOn = false;
      this.setCamera(null);
      return;
    }
    const cam: MediaTrackConstraints = { ...(this.options.video ?? DEFAULT_VIDEO), ...(this.videoDevice ? { deviceId: { exact: this.videoDevice } } : {}) };
    let stream: MediaStream;
    try {
      stream = await this.devices.getUserMedia({ video: cam });
    } catch (e) {
      throw mediaError(e);
    }
    if (this.stopped) return stream.getTracks().forEach((t) => t.stop());
    this.cameraOn = true;
    this.setCamera(stream.getVideoTracks()[0] ?? null);
  }

  /** Switches the microphone or camera to another device; the call keeps going on the new one. */
  async useDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    if (kind === 'audioinput') {
      this.audioDevice = deviceId;
      if (!this.audio) return;
      let stream: MediaStream;
      try {
        stream = await this.devices.getUserMedia({ audio: { ...this.options.audio, deviceId: { exact: deviceId } } });
      } catch (e) {
        throw mediaError(e);
      }
      if (this.stopped) return stream.getTracks().forEach((t) => t.stop());
      this.setAudio(stream.getAudioTracks()[0] ?? null);
    } else {
      this.videoDevice = deviceId;
      if (!this.cameraOn) return;
      this.camera?.stop(); // some cameras cannot be opened twice
      this.camera = null;
      this.cameraOn = false;
      await this.setCameraOn(true);
    }
  }

  /** Shares a screen, window or tab instead of the camera (the browser asks which). */
  async shareScreen(): Promise<void> {
    if (this.screen) return;
    let stream: MediaStream;
    try {
      stream = await this.devices.getDisplayMedia({ video: true, audio: false });
    } catch (e) {
      throw mediaError(e, 'screen');
    }
    const track = stream.getVideoTracks()[0];
    if (!track || this.stopped) return stream.getTracks().forEach((t) => t.stop());
    track.addEventListener('ended', () => {
      if (this.screen === track) this.stopShare();
    });
    this.screen = track;
    this.videoChanged();
  }

  stopShare(): void {
    const track = this.screen;
    if (!track) return;
    this.screen = null;
    track.stop();
    this.videoChanged();
  }

  /** Stops every track (the call ended). */
  stop(): void {
    this.stopped = true;
    for (const t of [this.audio, this.camera, this.screen]) t?.stop();
    for (const t of this.preview.getTracks()) this.preview.removeTrack(t);
    this.audio = this.camera = this.screen = null;
    this.cameraOn = false;
    this.micOn = true;
    this.options.onChange?.();
  }
}

/** The devices a person can pick from (labels appear once the page may use them). */
export async function listDevices(devices: MediaDevices | undefined = globalThis.navigator?.mediaDevices): Promise<MediaDeviceInfo[]> {
  if (!devices?.enumerateDevices) return [];
  return (await devices.enumerateDevices()).filter((d) => d.kind === 'audioinput' || d.kind === 'videoinput' || d.kind === 'audiooutput');
}
