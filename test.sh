#!/usr/bin/env bash
# Runs every PhoneBridge test. On a fresh Debian/Ubuntu machine it first installs the real peers the tests
# talk to on loopback (libopus, aiortc, Chromium, coturn, sox, espeak-ng, redis-server, nginx); it needs root or sudo for that.
set -euo pipefail
cd "$(dirname "$0")"

need=()
[ -e /usr/lib/x86_64-linux-gnu/libopus.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libopus.so.0 ] || need+=(libopus0)
/usr/bin/python3 -c 'import aiortc' 2>/dev/null || need+=(python3-aiortc)
command -v chromium >/dev/null || need+=(chromium)
command -v turnserver >/dev/null || need+=(coturn)
command -v sox >/dev/null || need+=(sox)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v redis-server >/dev/null || need+=(redis-server)
{ command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing test peers: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# coturn, redis-server and nginx packages start system daemons; the tests start their own on free ports.
for daemon in coturn redis-server nginx; do
  systemctl stop "$daemon" >/dev/null 2>&1 || service "$daemon" stop >/dev/null 2>&1 || true
done

log=$(mktemp)
set +e
dotnet test PhoneBridge.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
awk '/(Passed|Failed)!  - Failed:/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "Total: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
