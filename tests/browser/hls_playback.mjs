// Plays a track's HLS stream with hls.js in Debian's Chromium (headless), the way a web player
// would, and prints what happened as one JSON line on stdout.
//
//   node hls_playback.mjs BASE_URL ACCESS_TOKEN TRACK_ID [SECONDS]
//
// The page is served at BASE_URL itself (intercepted by the browser, never asked of the server),
// so every request hls.js makes is same-origin, as from Sonora's own web player. The master
// playlist needs the bearer token; media playlists, keys and segments are signed URLs and get
// nothing extra. Exit status 0 once playback passed SECONDS (default 3) of audio; 1 otherwise,
// with the reason in the JSON. Chromium: CHROMIUM env var, else /usr/bin/chromium.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [base, token, track, secondsArg] = process.argv.slice(2);
if (!base || !token || !track) {
  console.error('usage: node hls_playback.mjs BASE_URL ACCESS_TOKEN TRACK_ID [SECONDS]');
  process.exit(2);
}
const seconds = Number(secondsArg ?? 3);
const hlsSource = readFileSync(new URL('./node_modules/hls.js/dist/hls.min.js', import.meta.url),
                               'utf8');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // Root in a container has no user namespace for the sandbox; the page is our own.
  args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
});
let result;
try {
  const page = await browser.newPage();
  const pageUrl = base + '/__hls_playback_test';
  await page.route(pageUrl, (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><title>hls.js</title><audio id="player" muted></audio>',
  }));
  await page.goto(pageUrl);
  await page.addScriptTag({ content: hlsSource });
  result = await page.evaluate(async ({ base, token, track, seconds }) => {
    const out = { hls_version: Hls.version, mse_aac: false, levels: [], key_loads: 0,
                  fragments: 0, errors: [], current_time: 0, ok: false, reason: '' };
    out.mse_aac = MediaSource.isTypeSupported('audio/mp4; codecs="mp4a.40.2"');
    const audio = document.getElementById('player');
    const hls = new Hls({
      xhrSetup: (xhr, url) => {
        if (url.includes('/api/v1/')) xhr.setRequestHeader('Authorization', 'Bearer ' + token);
      },
    });
    let fatal = null;
    hls.on(Hls.Events.KEY_LOADED, () => { out.key_loads++; });
    hls.on(Hls.Events.FRAG_BUFFERED, () => { out.fragments++; });
    hls.on(Hls.Events.ERROR, (_, d) => {
      out.errors.push(d.details + (d.fatal ? ' (fatal)' : ''));
      if (d.fatal) fatal = d.details;
    });
    hls.loadSource(base + '/api/v1/stream/' + track + '/master.m3u8');
    hls.attachMedia(audio);
    const deadline = performance.now() + 30000;
    const wait = () => new Promise((r) => setTimeout(r, 50));
    while (!fatal && hls.levels.length === 0 && performance.now() < deadline) await wait();
    out.levels = hls.levels.map((l) => ({ bitrate: l.bitrate, codecs: l.audioCodec ?? '' }));
    if (!fatal && hls.levels.length > 0) {
      try {
        await audio.play();
      } catch (e) {
        fatal = 'play() refused: ' + e.message;
      }
    }
    while (!fatal && audio.currentTime < seconds && performance.now() < deadline) await wait();
    out.current_time = audio.currentTime;
    out.ok = !fatal && audio.currentTime >= seconds;
    out.reason = fatal ?? (out.ok ? '' : 'playback did not reach ' + seconds + ' s in 30 s');
    hls.destroy();
    return out;
  }, { base, token, track, seconds });
} catch (e) {
  result = { ok: false, reason: String(e && e.message ? e.message : e) };
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
