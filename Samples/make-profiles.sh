#!/bin/sh
# Makes Samples/profiles.json again, the profile the README's main command ranks the samples
# with. Calibration learns every detector's null per HS heading from 15 clean containers of it
# or more, and falls back to look-alikes from 20: the 16 containers in Samples/calibration
# (there to try `calibrate` on) are far too few, and with them clean sample reefers ranked
# above real anomalies. So the profile is learned from 420 generated containers (seed 2026,
# none of them in Samples/nightly), "inspected" clean or hit as their ground truth says.
# Run it after every change to the comparator (Comparator.algorithmVersion): about three
# minutes on two cores, most of it scangen, and about 650 MB in a temporary folder (TMPDIR),
# removed at the end.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product scangen
swift build -c release --product scantriage
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/release/scangen batch --out "$work/samplecal" --containers 420 --seed 2026 --anomaly-rate 0.1 \
    --outcomes "$work/outcomes.csv"
.build/release/scantriage calibrate "$work/samplecal" --outcomes "$work/outcomes.csv" --out Samples/profiles.json
