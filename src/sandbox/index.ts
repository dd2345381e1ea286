import type { Logger } from "../core/log.ts";
import { sandboxCredentials, type LarkTarget, type Runtime, type RuntimeOptions } from "../runtime.ts";
import { createFakePlatform, type FakePlatform } from "./fake-platform/index.ts";
import { seedDemo, seedFakeWorld } from "./demo.ts";
import { createSandboxUi, SANDBOX_PREFIX, type SandboxUi } from "./ui/index.ts";

export const FAKE_PREFIX = "/fake";

export interface SandboxHandle {
  fake?: FakePlatform;
}

/**
 * With no credentials the bot runs against the embedded fake Open Platform, mounted on the
 * bot's own server under /fake, with random keys so the real signature and decryption path
 * runs. The demo world is seeded once; the unbound demo chat then receives the bot.
 */
export function startSandbox(
  log: Logger,
  opts: { seed?: boolean; handle?: SandboxHandle; /** keep this fake's world across a bot restart (tests) */ reuse?: FakePlatform } = {},
): Pick<RuntimeOptions, "beforeConnect" | "afterStart"> {
  let fakeRef: FakePlatform | undefined;
  let ui: SandboxUi | undefined;
  const beforeConnect: RuntimeOptions["beforeConnect"] = async ({ koa, baseUrl, clock }) => {
    const fake = opts.reuse ?? createFakePlatform({ ...sandboxCredentials(), botBaseUrl: baseUrl, now: () => clock.now() });
    fake.setBotBaseUrl(baseUrl);
    const o = fake.options;
    const creds = { appId: o.appId, appSecret: o.appSecret, encryptKey: o.encryptKey, verificationToken: o.verificationToken };
    fakeRef = fake;
    if (opts.handle) opts.handle.fake = fake;
    koa.use(fake.middleware(FAKE_PREFIX));
    ui = createSandboxUi(fake, log);
    koa.use(ui.middleware); // the browser sandbox at /sandbox exists only on this path
    if (opts.seed !== false && !opts.reuse) seedFakeWorld(fake);
    log.info({ fakePlatform: `${baseUrl}${FAKE_PREFIX}`, sandbox: `${baseUrl}${SANDBOX_PREFIX}` }, "sandbox: embedded fake Lark Open Platform mounted");
    return { ...creds, domain: `${baseUrl}${FAKE_PREFIX}`, mode: "webhook" } satisfies LarkTarget;
  };
  const afterStart = async (runtime: Runtime) => {
    ui?.attach(runtime);
    if (opts.seed !== false && fakeRef) await seedAfterStart(runtime, fakeRef, log);
  };
  return { beforeConnect, afterStart };
}

/** Seeds the database (bound demo orgs), then adds the bot to the chat still waiting to be bound. */
async function seedAfterStart(runtime: Runtime, fake: FakePlatform, log: Logger): Promise<void> {
  try {
    if (await seedDemo(runtime.db, runtime.bot, runtime.clock, fake)) {
      log.info("sandbox: demo committee and two branches seeded; the bot was added to an unbound chat");
    }
  } catch (err) {
    log.error({ err: (err as Error).message }, "sandbox: seeding failed");
  }
}
