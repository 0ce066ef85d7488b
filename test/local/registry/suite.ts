/** The three registries the whole test suite shares (open, Basic, bearer token), seeded. */
import {
  isPrivateRepository,
  PRIVATE_IMAGES,
  PUSHER,
  REGISTRY_GITLAB_TOKEN,
  SEED_IMAGES,
  type SeedImage,
  type SuiteRegistries,
  TOKEN_ISSUER,
  TOKEN_SERVICE,
} from "./fixtures.js";
import { type RunningRegistry, startRegistry } from "./launcher.js";
import { type Authorize, Pusher } from "./pusher.js";
import { startTokenServer, type TokenServer } from "./token-server.js";

const basicHeader = (u: string, p: string) =>
  `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

async function seed(url: string, images: SeedImage[], authorize?: Authorize) {
  const pusher = new Pusher(url, authorize);
  for (const image of images) await pusher.push(image);
}

export async function startSuiteRegistries(): Promise<{
  registries: SuiteRegistries;
  stop: () => Promise<void>;
}> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const open = await startRegistry({ kind: "open" });
    stops.push(open.stop);
    const users = { oauth2: REGISTRY_GITLAB_TOKEN, [PUSHER.username]: PUSHER.password };
    const basic = await startRegistry({ kind: "htpasswd", users });
    stops.push(basic.stop);
    const tokens: TokenServer = await startTokenServer({
      service: TOKEN_SERVICE,
      issuer: TOKEN_ISSUER,
      readers: { oauth2: REGISTRY_GITLAB_TOKEN },
      pushers: { [PUSHER.username]: PUSHER.password },
      isPrivate: isPrivateRepository,
    });
    stops.push(tokens.stop);
    const token: RunningRegistry = await startRegistry({
      kind: "token",
      realm: tokens.realm,
      service: TOKEN_SERVICE,
      issuer: TOKEN_ISSUER,
      rootCertPath: tokens.rootCertPath,
    });
    stops.push(token.stop);

    await Promise.all([
      seed(open.url, SEED_IMAGES),
      seed(basic.url, SEED_IMAGES, async () => basicHeader(PUSHER.username, PUSHER.password)),
      seed(token.url, [...SEED_IMAGES, ...PRIVATE_IMAGES], async (repository) => {
        const jwt = await tokens.mint(
          [{ type: "repository", name: repository, actions: ["pull", "push"] }],
          PUSHER.username,
        );
        return `Bearer ${jwt}`;
      }),
    ]);
    return {
      registries: {
        open: { url: open.url, host: open.host },
        basic: {
          url: basic.url,
          host: basic.host,
          username: PUSHER.username,
          password: PUSHER.password,
        },
        token: {
          url: token.url,
          host: token.host,
          tokenUrl: tokens.url,
          service: TOKEN_SERVICE,
          issuer: TOKEN_ISSUER,
        },
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
