// The sandbox's JSON API (src/sandbox/ui/index.ts).
const BASE = "/sandbox/api";

async function call(method, path, body) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `请求失败（HTTP ${res.status}）`);
  return data;
}

export const api = {
  state: () => call("GET", "/state"),
  poll: () => call("GET", "/poll"),
  send: (input) => call("POST", "/send", input),
  cardAction: (input) => call("POST", "/card-action", input),
  advance: (ms) => call("POST", "/clock", { ms }),
  jumpTo: (to) => call("POST", "/clock", { to }),
  fault: (kind) => call("POST", "/fault", { kind }),
};
