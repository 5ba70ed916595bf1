/** The registries scripts/start-registry.sh started (through `.cache/registry.env` and scripts/test.sh). */
export interface TestRegistries {
  anonymous?: string;
  auth?: { url: string; username: string; password: string };
  storage?: string;
}

/** Reads ROCK_TEST_REGISTRY* from the environment; tests skip visibly when a part is missing. */
export function testRegistries(env: NodeJS.ProcessEnv = process.env): TestRegistries {
  const out: TestRegistries = {};
  if (env.ROCK_TEST_REGISTRY) out.anonymous = env.ROCK_TEST_REGISTRY;
  if (env.ROCK_TEST_REGISTRY_AUTH && env.ROCK_TEST_REGISTRY_USER && env.ROCK_TEST_REGISTRY_PASSWORD) {
    out.auth = {
      url: env.ROCK_TEST_REGISTRY_AUTH,
      username: env.ROCK_TEST_REGISTRY_USER,
      password: env.ROCK_TEST_REGISTRY_PASSWORD,
    };
  }
  if (env.ROCK_TEST_REGISTRY_STORAGE) out.storage = env.ROCK_TEST_REGISTRY_STORAGE;
  return out;
}

/** `host:port` of a registry URL. */
export function hostOf(url: string): string {
  return new URL(url).host;
}

/** A repository name no other test run uses, so no test depends on what an earlier one left. */
export function freshRepository(prefix: string): string {
  return `${prefix}/${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
