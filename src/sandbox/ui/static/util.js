// Small DOM and formatting helpers shared by the sandbox page's modules.

/** h("div.card-header", { onclick }, child, "text") — a tiny element builder. */
export function h(tagAndClasses, attrs, ...children) {
  const [tag, ...classes] = tagAndClasses.split(".");
  const el = document.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key === "html") el.innerHTML = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Escapes text for HTML, but keeps numeric and named entities (&#42; …) so the browser decodes them. */
export function escapeKeepingEntities(text) {
  return String(text)
    .replace(/&(?!#\d+;|#x[0-9a-fA-F]+;|[a-zA-Z][a-zA-Z0-9]{1,31};)/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Decodes HTML entities in plain text (what the bot escaped for markdown). */
export function decodeEntities(text) {
  const t = document.createElement("textarea");
  t.innerHTML = String(text ?? "");
  return t.value;
}

/** The first character of a name, for avatars. */
export function initial(name) {
  return Array.from(String(name ?? "?").trim())[0] ?? "?";
}

const AVATAR_COLOURS = ["#3370ff", "#f54a45", "#ff8800", "#34c724", "#7f3bf5", "#14c0ff", "#d136d1", "#00b8a9", "#dc9b04", "#4954e6"];

export function avatarColour(id) {
  let n = 0;
  for (const c of String(id)) n = (n * 31 + c.charCodeAt(0)) >>> 0;
  return AVATAR_COLOURS[n % AVATAR_COLOURS.length];
}

export function avatar(id, name, extraClass = "") {
  return h(`span.avatar${extraClass ? `.${extraClass}` : ""}`, { style: { background: avatarColour(id) }, title: name }, initial(name));
}

const WEEKDAYS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

/** Date parts of an instant in an IANA time zone. */
export function partsIn(ms, timeZone) {
  const f = new Intl.DateTimeFormat("en-CA", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, weekday: "short",
  });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(p.weekday);
  return { y: p.year, m: p.month, d: p.day, hh: p.hour === "24" ? "00" : p.hour, mm: p.minute, ss: p.second, weekday: WEEKDAYS[weekday] ?? "" };
}

export function formatClock(ms, timeZone) {
  const p = partsIn(ms, timeZone);
  return { date: `${p.y}年${Number(p.m)}月${Number(p.d)}日 ${p.weekday}`, time: `${p.hh}:${p.mm}:${p.ss}` };
}

export function formatTime(ms, timeZone) {
  const p = partsIn(ms, timeZone);
  return `${p.hh}:${p.mm}`;
}

export function formatDay(ms, timeZone) {
  const p = partsIn(ms, timeZone);
  return `${p.y}年${Number(p.m)}月${Number(p.d)}日 ${p.weekday}`;
}

export function dayKey(ms, timeZone) {
  const p = partsIn(ms, timeZone);
  return `${p.y}-${p.m}-${p.d}`;
}

/** "+0800" for a zone at a given instant, as Lark's pickers send it. */
export function offsetOf(timeZone, ms = Date.now()) {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(new Date(ms))
    .find((x) => x.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  return m ? `${m[1]}${m[2]}${m[3] ?? "00"}` : "+0000";
}
