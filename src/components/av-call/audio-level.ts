/**
 * The level of my microphone for the meter, read with a WebAudio analyser ten times a second while a track is
 * set. Root-mean-square of the waveform, scaled so speech reads in the upper half.
 */
export class AudioLevel {
  private ctx: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private track: MediaStreamTrack | undefined;

  constructor(private readonly onLevel: (level: number) => void) {}

  /** Follows this track (or stops for none). */
  follow(track: MediaStreamTrack | null | undefined): void {
    if (track === this.track) return;
    this.stop();
    if (!track || typeof AudioContext === 'undefined') return;
    this.track = track;
    const ctx = (this.ctx = new AudioContext());
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    this.timer = setInterval(() => {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      const rms = Math.sqrt(sum / buf.length);
      this.onLevel(track.enabled ? Math.min(1, rms * 4) : 0);
    }, 100);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.track = undefined;
    void this.ctx?.close().catch(() => undefined);
    this.ctx = undefined;
    this.onLevel(0);
  }
}
