#!/usr/bin/env bash
# Starts two OCI registries (Debian's docker-registry, distribution 2.8) on 127.0.0.1 for the
# rock-registry / rock-cache tests and benchmark, and writes their URLs to .cache/registry.env:
#   ROCK_TEST_REGISTRY            http://127.0.0.1:PORT  anonymous
#   ROCK_TEST_REGISTRY_AUTH       http://127.0.0.1:PORT  htpasswd (bcrypt) Basic auth
#   ROCK_TEST_REGISTRY_USER / ROCK_TEST_REGISTRY_PASSWORD   the test account of the second one
#   ROCK_TEST_REGISTRY_STORAGE    filesystem storage of the anonymous one (tests tamper with blobs)
# Idempotent: installs docker-registry and apache2-utils only if missing, and reuses running
# instances when the env file names two that still answer. Each instance has its own config and a
# temporary storage directory; nothing is left in the repository but the env file.
set -euo pipefail
cd "$(dirname "$0")/.."
ENV_FILE=".cache/registry.env"
mkdir -p .cache

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "start-registry: not root and no sudo: cannot install docker-registry" >&2
    exit 2
  fi
fi
if ! command -v docker-registry >/dev/null 2>&1 || ! command -v htpasswd >/dev/null 2>&1; then
  echo "start-registry: installing Debian packages docker-registry apache2-utils" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker-registry apache2-utils >/dev/null
fi

# The /v2/ base answers 200 without auth and 401 with it.
answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/v2/")" = "$2" ]; }

if [ -f "$ENV_FILE" ]; then
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  if answers "${ROCK_TEST_REGISTRY:-}" 200 && answers "${ROCK_TEST_REGISTRY_AUTH:-}" 401 \
    && [ -d "${ROCK_TEST_REGISTRY_STORAGE:-/nonexistent}" ]; then
    cat "$ENV_FILE"
    exit 0
  fi
fi

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

base="$(mktemp -d "${TMPDIR:-/tmp}/rock-registry.XXXXXX")"
user="rock"
password="rock-test-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
htpasswd -Bbn "$user" "$password" >"$base/htpasswd" 2>/dev/null

start_one() { # name port auth(yes|no)
  local dir="$base/$1"
  mkdir -p "$dir/data"
  {
    echo "version: 0.1"
    echo "log: { level: warn, accesslog: { disabled: true } }"
    echo "storage: { filesystem: { rootdirectory: $dir/data }, delete: { enabled: true } }"
    echo "http: { addr: 127.0.0.1:$2, secret: $(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n') }"
    if [ "$3" = yes ]; then echo "auth: { htpasswd: { realm: rock-test, path: $base/htpasswd } }"; fi
  } >"$dir/config.yml"
  # setsid: the registry outlives this script (and the CI step's process group); its pid is kept.
  setsid docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
}

anon_port="$(free_port)"
auth_port="$(free_port)"
start_one anon "$anon_port" no
start_one auth "$auth_port" yes

for _ in $(seq 1 100); do
  if answers "http://127.0.0.1:$anon_port" 200 && answers "http://127.0.0.1:$auth_port" 401; then break; fi
  sleep 0.1
done
for name in anon auth; do
  if ! kill -0 "$(cat "$base/$name/pid")" 2>/dev/null; then
    echo "start-registry: docker-registry ($name) exited: $(tail -n 3 "$base/$name/log")" >&2
    exit 1
  fi
done
answers "http://127.0.0.1:$anon_port" 200 || { echo "start-registry: not ready on 127.0.0.1:$anon_port" >&2; exit 1; }
answers "http://127.0.0.1:$auth_port" 401 || { echo "start-registry: not ready on 127.0.0.1:$auth_port" >&2; exit 1; }

cat >"$ENV_FILE.tmp" <<ENV
ROCK_TEST_REGISTRY=http://127.0.0.1:$anon_port
ROCK_TEST_REGISTRY_AUTH=http://127.0.0.1:$auth_port
ROCK_TEST_REGISTRY_USER=$user
ROCK_TEST_REGISTRY_PASSWORD=$password
ROCK_TEST_REGISTRY_STORAGE=$base/anon/data
ROCK_TEST_REGISTRY_PIDS="$(cat "$base/anon/pid") $(cat "$base/auth/pid")"
ENV
mv "$ENV_FILE.tmp" "$ENV_FILE"
cat "$ENV_FILE"
