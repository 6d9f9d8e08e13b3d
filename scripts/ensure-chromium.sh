#!/usr/bin/env bash
# Makes sure a Chromium is available for the summary PDFs and the browser tests: one found on
# PATH (chromium, chromium-browser, google-chrome) or named in $KAINUU_METRICS_CHROMIUM is
# enough; otherwise Debian's package is installed when that is possible (root and apt-get).
# Never fails: without Chromium the run makes the HTML pages and says why each PDF is missing,
# and the browser tests are skipped.
set -u
if [ -n "${KAINUU_METRICS_CHROMIUM:-}" ] && [ -x "${KAINUU_METRICS_CHROMIUM}" ]; then exit 0; fi
for name in chromium chromium-browser google-chrome; do
  command -v "$name" >/dev/null 2>&1 && exit 0
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Asennetaan Chromium PDF-tiedostoja ja selaintestejä varten..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "Chromiumin asennus epäonnistui: PDF-tiedostoja ei tehdä ja selaintestit ohitetaan."
else
  echo "Chromium puuttuu eikä sitä voi asentaa tässä (ei root-oikeuksia tai apt-get): PDF-tiedostoja ei tehdä"
  echo "(HTML-raportit tehdään) ja selaintestit ohitetaan. Asenna chromium, chromium-browser tai google-chrome"
  echo "tai anna selaimen polku ympäristömuuttujassa KAINUU_METRICS_CHROMIUM."
fi
exit 0
