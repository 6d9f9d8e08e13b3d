#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing (CI runs as root).
set -u
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Asennetaan Chromium selaintestejä varten..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "Chromiumin asennus epäonnistui: selaintestit ohitetaan."
else
  echo "Chromium puuttuu eikä sitä voi asentaa (ei root-oikeuksia): selaintestit ohitetaan."
fi
exit 0
