/**
 * A ringtone made with WebAudio (no audio file): two tones, 440 + 480 Hz, two seconds on and four off, as phones
 * ring in North America. Browsers may keep an AudioContext suspended until the person interacts with the page;
 * then the ring is silent and the incoming-call banner alone announces the call.
 */
export class Ringtone {
  private ctx: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  get playing(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer !== undefined || typeof AudioContext === 'undefined') return;
    this.ctx = new AudioContext();
    const ring = () => {
      const ctx = this.ctx;
      if (!ctx) return;
      const gain = ctx.createGain();
      gain.gain.value = 0.08;
      gain.connect(ctx.destination);
      const t = ctx.currentTime;
      for (const f of [440, 480]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = f;
        osc.connect(gain);
        osc.start(t);
        osc.stop(t + 2);
      }
    };
    ring();
    this.timer = setInterval(ring, 6_000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    void this.ctx?.close().catch(() => undefined);
    this.ctx = undefined;
  }
}
