// call_first_remote_frame_ms_p50/_p95 and call_hangup_seen_ms_p95 (issue 15): two kit services in this page, each
// with a CallEngine on Chromium's fake camera and microphone (320×240 at 15 fps). Each trial uses a fresh linked
// pair, so the media negotiation is part of every first call; a second call on the same link is timed apart
// (call_first_remote_frame_ms_p50_repeat: the transceivers exist, only replaceTrack).
//   first remote frame: B accepts → A's connection has decoded B's first video frame (getStats polled every 10 ms)
//   hang-up seen: A hangs up → B's engine reports the call ended.
// The very first call of the page (camera opened for the first time) is reported apart: call_first_remote_frame_ms_cold.

let kit;
let pairOf;

export function useKit(k, kitPair) {
  kit = k;
  pairOf = kitPair;
}

const MEDIA = { video: { width: 320, height: 240, frameRate: 15 } };

function until(what, ms, ok) {
  return new Promise((resolve, reject) => {
    const end = performance.now() + ms;
    const check = async () => {
      if (await ok()) return resolve(performance.now());
      if (performance.now() > end) return reject(new Error(`${what} not within ${ms} ms`));
      setTimeout(check, 10);
    };
    void check();
  });
}

async function oneCall(a, b, ea, eb, idB) {
  const incoming = new Promise((r) => eb.addEventListener('incoming', r, { once: true }));
  await ea.start(idB, true);
  await incoming;
  const path = await a.media(idB);
  const before = (await path.sample())?.inbound.framesDecoded ?? 0; // cumulative on a link that had a call
  const t0 = performance.now();
  await eb.accept();
  const seen = await until('first remote frame', 15_000, async () => ((await path.sample())?.inbound.framesDecoded ?? 0) > before);
  const firstFrame = seen - t0;
  const ended = new Promise((r) => eb.addEventListener('ended', () => r(performance.now()), { once: true }));
  const h0 = performance.now();
  ea.hangup();
  const hangup = (await ended) - h0;
  return { firstFrame, hangup };
}

async function run(sig, { trials = 8 } = {}) {
  // One cold call first (the fake camera's first open, codec start-up), reported apart.
  let cold;
  const first = [];
  const repeat = [];
  const hangup = [];
  for (let i = 0; i <= trials; i++) {
    const { a, b, idB } = await pairOf(sig);
    const ea = new kit.CallEngine(a);
    const eb = new kit.CallEngine(b);
    ea.mediaOptions = eb.mediaOptions = MEDIA;
    try {
      const one = await oneCall(a, b, ea, eb, idB);
      if (i === 0) {
        cold = one.firstFrame;
        continue;
      }
      first.push(one.firstFrame);
      hangup.push(one.hangup);
      const two = await oneCall(a, b, ea, eb, idB);
      repeat.push(two.firstFrame);
      hangup.push(two.hangup);
    } finally {
      ea.dispose();
      eb.dispose();
      a.destroy();
      b.destroy();
    }
  }
  return { cold, first, repeat, hangup };
}

export const call = { run };
