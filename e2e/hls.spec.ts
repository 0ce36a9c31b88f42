import { serveClips } from './clip-server';
import { HLS_CLIP } from './clips';
import { expect, type Person, test } from './fixtures';
import { expectPausedTogether, expectPlayingTogether, loadUrl, shownVideo } from './playback';
import { openRoomWith } from './room';

const HLS_MIME = 'application/vnd.apple.mpegurl';

test('three people play an HLS playlist in step through hls.js', async ({ signUp }) => {
  const clips = await serveClips();
  try {
    const people = await Promise.all(['host', 'ann', 'bob'].map((name) => signUp(name)));
    const [host, ...guests] = people as [Person, Person, Person];
    // This Chromium plays HLS itself; denying it, as Firefox and older Chromium do, sends every
    // person through hls.js, the path most browsers take.
    for (const person of people) {
      await person.page.addInitScript((mime) => {
        const canPlayType = HTMLMediaElement.prototype.canPlayType;
        HTMLMediaElement.prototype.canPlayType = function (type: string) {
          return type === mime ? '' : canPlayType.call(this, type);
        };
      }, HLS_MIME);
      await person.page.reload();
    }
    const hlsChunks = people.map((person) => {
      const seen: string[] = [];
      person.page.on('request', (r) => {
        if (/\/assets\/hls[^/]*\.js$/.test(r.url())) seen.push(r.url());
      });
      return seen;
    });
    await openRoomWith(host, guests);

    await loadUrl(host, clips.url(HLS_CLIP.playlist));
    await expectPlayingTogether(host, guests);
    // hls.js feeds the <video> through Media Source Extensions: its src is a blob: URL.
    for (const person of people)
      await expect(shownVideo(person.page)).toHaveAttribute('src', /^blob:/);
    expect(hlsChunks.map((seen) => seen.length > 0)).toEqual([true, true, true]);

    await shownVideo(host.page).evaluate((v: HTMLVideoElement) => v.pause());
    await expectPausedTogether(host, guests);
    await shownVideo(host.page).evaluate((v: HTMLVideoElement) => {
      v.currentTime = 21;
    });
    await expectPausedTogether(host, guests);
    await shownVideo(host.page).evaluate((v: HTMLVideoElement) => v.play());
    await expectPlayingTogether(host, guests);
    for (const person of people) expect(person.errors).toEqual([]);
  } finally {
    await clips.close();
  }
});
