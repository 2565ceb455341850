#!/bin/sh
# make test's set-up of the browser tests: Debian's chromium at /usr/bin/chromium, and
# poppler-utils (pdftotext, pdfinfo) for the PDF tests of `coursekit render --pdf`.
# Installs what is missing with apt when we are root; otherwise says so in one line
# and leaves the browser and PDF tests to fail with the exact command (tests/browser_support.py).
# Never fails itself, so that every other test still runs. CHROMIUM overrides the path.
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
PACKAGES=""
[ -x "$CHROMIUM" ] || PACKAGES="chromium"
command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 \
    || PACKAGES="$PACKAGES poppler-utils"
[ -z "$PACKAGES" ] && exit 0
COMMAND="apt-get update && apt-get install -y --no-install-recommends$(printf ' %s' $PACKAGES)"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "make test: missing$(printf ' %s' $PACKAGES) and cannot install here; the browser and PDF tests will fail (as root: $COMMAND)"
    exit 0
fi
echo "make test: installing$(printf ' %s' $PACKAGES) for the browser and PDF tests ($COMMAND)"
LOG="${TMPDIR:-/tmp}/coursekit-apt-chromium.log"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # PACKAGES is a list of words
if apt-get update -q >"$LOG" 2>&1 \
        && apt-get install -y -q --no-install-recommends $PACKAGES >>"$LOG" 2>&1 \
        && [ -x "$CHROMIUM" ] && command -v pdftotext >/dev/null 2>&1; then
    exit 0
fi
echo "make test: installing$(printf ' %s' $PACKAGES) failed (see $LOG); the browser and PDF tests will fail (as root: $COMMAND)"
exit 0
