// The chat page in two browser windows, ann's and ben's. Usage:
//   node chat-two-windows.mjs http://host:port/chat/                          (TROUPE_AUTH=none)
//   node chat-two-windows.mjs http://host:port/chat/ --apikey|--bearer <ann's> <ben's>
// (the credentials from the environment variables ANN_CREDENTIAL and BEN_CREDENTIAL, kept off the
// command line). With --apikey each window enters its own API key (keys named ann and ben, scope
// chat:user), with --bearer its own JWT (sub ann or ben, scope chat:user); ann's window also tries
// to join as ben: refused, naming chat:admin.
// Checks, in order: ben, joining after ann's first message, sees it as history; each window lists the
// other as an online member; a message ann types reaches ben's window through the WebSocket; a
// message in another room of ben's shows as unread in ben's rooms list, and opening that room shows
// it and clears the count. Exits 0 when all hold, 1 otherwise (with what each window showed).
// SCREENSHOT_DIR=<dir> saves each window as a PNG at the end.
import { chromium } from "playwright-core";

const [url, mode] = process.argv.slice(2);
const kinds = { "--apikey": "apikey", "--bearer": "bearer" };
const annKey = process.env.ANN_CREDENTIAL, benKey = process.env.BEN_CREDENTIAL;
if (!url || (mode && (!kinds[mode] || !annKey || !benKey))) {
  console.error("usage: ANN_CREDENTIAL=... BEN_CREDENTIAL=... node chat-two-windows.mjs <url of the chat page> [--apikey|--bearer]");
  process.exit(2);
}
const keys = mode ? { ann: annKey, ben: benKey } : null;
const kind = mode ? kinds[mode] : "none";
const TIMEOUT_MS = 30_000;
const stamp = Date.now();
const room = "browser-" + stamp;
const side = "side-" + stamp;
const nonce = () => Math.random().toString(36).slice(2);
const early = "early from ann " + nonce();
const live = "hello from ann " + nonce();
const aside = "psst from ann " + nonce();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let pages = [];
const step = what => console.log("[" + kind + "] " + what);

/** Fills the join form as user (with key, under --apikey) and submits it. */
async function submitJoin(page, user, roomName, key) {
  await page.fill("#user", user);
  await page.fill("#room", roomName);
  if (key) {
    await page.selectOption("#auth-kind", kind);
    await page.fill("#credential", key);
  }
  await page.click("#join");
}

async function join(page, user, roomName) {
  await submitJoin(page, user, roomName, keys && keys[user]);
  await page.waitForSelector(`#status:text-is("${user} in ${roomName}")`);
}

async function send(page, text) {
  await page.fill("#text", text);
  await page.click("#send");
  await page.waitForFunction(() => document.getElementById("text").value === "");
}

try {
  // Two contexts: two independent windows, as two people would have.
  const [ann, ben] = pages = await Promise.all([0, 1].map(async () => {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    await page.goto(url);
    return page;
  }));

  if (keys) {
    // ann's credential acting as ben: the page shows the 403 problem's detail.
    await submitJoin(ann, "ben", room, keys.ann);
    await ann.waitForSelector('#log .error:has-text("chat:admin")');
    step("ok: ann's credential cannot act as ben (403 naming chat:admin)");
  }

  await join(ann, "ann", room);
  await send(ann, early);
  await ann.waitForSelector(`#log .message:has-text("ann: ${early}")`);

  // ben is in a second room too, then joins ann's: the earlier message is there as history.
  await join(ben, "ben", side);
  await join(ben, "ben", room);
  await ben.waitForSelector(`#log .message.history:has-text("ann: ${early}")`);
  step("ok: ben's window shows the room's history on joining");

  await ann.waitForSelector('#members li.online[data-user="ben"]');
  await ben.waitForSelector('#members li.online[data-user="ann"]');
  step("ok: each window lists the other as an online member");

  await send(ann, live);
  await ben.waitForSelector(`#log .message:has-text("ann: ${live}")`);
  await ann.waitForSelector(`#log .message:has-text("ann: ${live}")`);
  step("ok: ben's window shows ann's message, live");

  // ann posts in ben's other room while ben looks at the first: unread there, not here.
  await join(ann, "ann", side);
  await send(ann, aside);
  await ben.waitForSelector(`#rooms li[data-room="${side}"][data-unread="1"]`);
  await ben.waitForSelector(`#rooms li[data-room="${room}"][data-unread="0"]`);
  step("ok: ben's rooms list shows the other room with 1 unread");
  if (process.env.SCREENSHOT_DIR) {
    await ben.screenshot({ path: `${process.env.SCREENSHOT_DIR}/ben-unread-${kind}.png` });
  }

  await ben.click(`#rooms li[data-room="${side}"] button`);
  await ben.waitForSelector(`#log .message:has-text("ann: ${aside}")`);
  await ben.waitForSelector(`#rooms li[data-room="${side}"][data-unread="0"]`);
  step("ok: opening that room shows the message and clears its unread count");
  if (process.env.SCREENSHOT_DIR) {
    for (const [page, name] of [[ann, "ann"], [ben, "ben"]]) {
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}-${kind}.png` });
    }
  }
} catch (e) {
  console.error("FAILED: " + e.message);
  for (const page of pages) {
    console.error("window " + page.url() + " status: " + await page.textContent("#status").catch(() => "?")
      + "\n  log: " + await page.textContent("#log").catch(() => "?")
      + "\n  rooms: " + await page.textContent("#rooms").catch(() => "?")
      + "\n  members: " + await page.textContent("#members").catch(() => "?"));
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
