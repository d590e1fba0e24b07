// The chat page in two browser windows: ann and ben join one room, ann sends a message, ben's window
// shows it, delivered through the WebSocket stream. Usage: node chat-two-windows.mjs http://host:port/chat/
// Exits 0 when ben sees the message, 1 otherwise (with what each window showed).
import { chromium } from "playwright-core";

const url = process.argv[2];
if (!url) {
  console.error("usage: node chat-two-windows.mjs <url of the chat page>");
  process.exit(2);
}
const TIMEOUT_MS = 30_000;
const room = "browser-" + Date.now();
const text = "hello from ann " + Math.random().toString(36).slice(2);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let pages = [];
try {
  // Two contexts: two independent windows, as two people would have.
  const [ann, ben] = pages = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  for (const [page, user] of [[ann, "ann"], [ben, "ben"]]) {
    page.setDefaultTimeout(TIMEOUT_MS);
    await page.goto(url);
    await page.fill("#user", user);
    await page.fill("#room", room);
    await page.click("#join");
    await page.waitForSelector(`#status:text-is("${user} in ${room}")`);
  }
  await ann.fill("#text", text);
  await ann.click("#send");
  await ben.waitForSelector(`#log .message:has-text("ann: ${text}")`);
  await ann.waitForSelector(`#log .message:has-text("ann: ${text}")`);
  console.log("ok: ben's window shows ann's message");
} catch (e) {
  console.error("FAILED: " + e.message);
  for (const page of pages) {
    console.error("window " + page.url() + " log: " + await page.textContent("#log").catch(() => "?"));
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
