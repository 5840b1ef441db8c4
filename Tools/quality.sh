#!/bin/bash
# The comparator's quality on a fixed panel of generated batches (issue #5's measurement):
# 13 batches of 200 containers, each from its own seed (none tuned on when the panel was
# chosen), that vary what a port of loading varies: the cargo mix, the scanners, the pixel
# pitch, the anomaly kinds, and the scanners' faults. Each batch is ranked by
# `scantriage batch` with a profile (default Samples/profiles.json, the bundled calibration
# of 420 containers of seed 2026) and scored by `scantriage evaluate` against scangen's truth.
#
#   Tools/quality.sh [--work DIR] [--profiles P] [--only NAME,NAME] [--keep-runs]
#
# Prints one line per batch (AUC, R-precision, recall and precision at 10 % and 30 %,
# localisation, recall at 30 % per anomaly kind) and the means; writes the same as
# DIR/quality.tsv. The batches are generated once into DIR (default
# ${TMPDIR:-/tmp}/scantriage-quality, about 4 GB; a batch is made again when its recipe or
# scangen's scene version changes) and reused by later runs, so a comparison of two builds
# costs the ranking only (about a minute a batch on two cores). Needs python3 for the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${TMPDIR:-/tmp}/scantriage-quality"
profiles="Samples/profiles.json"
only=""
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --work) work="$2"; shift 2 ;;
        --profiles) profiles="$2"; shift 2 ;;
        --only) only=",$2,"; shift 2 ;;
        --keep-runs) keep=1; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "quality.sh: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
done
[ -f "$profiles" ] || { echo "quality.sh: no profile at $profiles" >&2; exit 66; }
command -v python3 > /dev/null || { echo "quality.sh: needs python3 for the summary" >&2; exit 69; }

unseen_goods="papayas,tiles,rice,paper,engine-parts,aluminium-scrap"
unseen_scanners="UNS-BETA-1,UNS-LOG-2"
# name | seed | scangen options beyond --containers 200 --seed
panel=(
    "mix|12001|"
    "rate30|12002|--anomaly-rate 0.3"
    "halfpitch|12003|--pitch-scale 2"
    "concealed|12004|--anomalies concealed_in_load"
    "openload|12005|--anomalies door_zone,top_of_load,reefer_machinery,mass_underdeclared,declared_empty_loaded"
    "goods|12006|--cargo $unseen_goods"
    "scanners|12007|--scanners $unseen_scanners"
    "unseen|12008|--scanners $unseen_scanners --cargo $unseen_goods"
    "speed|12009|--speed-error 0.04 --missed-pulses 0.001"
    "detector|12010|--dead-channels 3 --gain-errors 4"
    "framing|12011|--tilt 1 --tractor 0.5 --tight-framing 0.3"
    "scatter|12012|--scatter 0.003"
    "beam|12013|--hardening 0.25 --blur 6"
)

swift build -c release --product scangen > /dev/null
swift build -c release --product scantriage > /dev/null
bin=.build/release
mkdir -p "$work"
out="$work/quality.tsv"
: > "$out"
for entry in "${panel[@]}"; do
    IFS='|' read -r name seed opts <<< "$entry"
    if [ -n "$only" ] && [[ "$only" != *",$name,"* ]]; then continue; fi
    args="--containers 200 --seed $seed $opts"
    recipe="$args ($("$bin/scangen" --version))"
    dir="$work/$name"
    if [ ! -f "$dir.recipe" ] || [ "$(cat "$dir.recipe")" != "$recipe" ]; then
        rm -rf "$dir" "$dir.truth.csv" "$dir.recipe"
        echo "generating $name ($recipe)" >&2
        # shellcheck disable=SC2086
        "$bin/scangen" batch --out "$dir" --truth "$dir.truth.csv" --name "$name" $args > /dev/null
        echo "$recipe" > "$dir.recipe"
    fi
    run="$work/run-$name"
    rm -rf "$run"
    status=0
    "$bin/scantriage" batch "$dir" --profiles "$profiles" --out "$run" > "$run.log" 2>&1 || status=$?
    # 1 = done with some inputs quarantined or not analysed (said in the log): still ranked.
    if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
        echo "quality.sh: scantriage batch failed on $name (exit $status): see $run.log" >&2
        exit 1
    fi
    for cap in 10% 30%; do
        "$bin/scantriage" evaluate --truth "$dir.truth.csv" --ranking "$run/ranking.json" \
            --capacity "$cap" --json > "$run.eval-${cap%\%}.json"
    done
    printf '%s\t%s\t%s\n' "$name" "$run.eval-10.json" "$run.eval-30.json" >> "$out.files"
    [ "$keep" -eq 1 ] || rm -rf "$run/report.html" "$run/scantriage.sqlite"*
done
python3 - "$out" "$out.files" <<'EOF'
import json, sys
out, files = sys.argv[1], sys.argv[2]
rows = [line.rstrip("\n").split("\t") for line in open(files)]
kinds = ["concealed_in_load", "top_of_load", "door_zone", "reefer_machinery",
         "mass_underdeclared", "declared_empty_loaded"]
short = ["conc", "top", "door", "reef", "mass", "empty"]
head = ["batch", "n", "pos", "AUC", "Rprec", "R@10", "P@10", "R@30", "loc"] + ["r30." + s for s in short]
lines = ["\t".join(head)]
sums = {}
def num(x):
    return "" if x is None else f"{x:.3f}"
for name, f10, f30 in rows:
    e10, e30 = json.load(open(f10)), json.load(open(f30))
    by_kind = e30.get("recall_by_kind", {})
    vals = [e10["roc_auc"], e10["r_precision"], e10["recall_at_capacity"],
            e10["precision_at_capacity"], e30["recall_at_capacity"],
            e10.get("localisation")] + [by_kind.get(k) for k in kinds]
    for i, v in enumerate(vals):
        if v is not None:
            sums.setdefault(i, []).append(v)
    lines.append("\t".join([name, str(e10["containers"]), str(e10["positives"])] + [num(v) for v in vals]))
means = [num(sum(sums[i]) / len(sums[i])) if i in sums else "" for i in range(len(head) - 3)]
lines.append("\t".join(["mean", "", ""] + means))
open(out, "w").write("\n".join(lines) + "\n")
width = [max(len(l.split("\t")[i]) for l in lines) for i in range(len(head))]
for l in lines:
    print("  ".join(c.rjust(width[i]) for i, c in enumerate(l.split("\t"))))
EOF
rm -f "$out.files"
