#!/bin/sh
# Holds `frm analyze` to the scipy reference on real measurements: timm's
# benchmark tables in shared/data/timm (beside the source tree, or
# $FRM_SHARED_DATA/timm), turned into records by tests/timm_records.py.
# Exit 77 (skipped) when the tables or a python3 with numpy and scipy are
# missing.
# usage: check-analysis-timm.sh FRM SOURCE_DIR WORK_DIR
data="${FRM_SHARED_DATA:-$2/../shared/data}/timm"
set -- "$1" "$2" "$3" "$data"/benchmark-infer-*.csv
if [ ! -f "$4" ]; then
    echo "skipped: no timm benchmark tables in $data"
    exit 77
fi
for py in "${FRM_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$py" ] || continue
    if "$py" -c 'import numpy, scipy.stats' >/dev/null 2>&1; then
        frm=$1 src=$2 work=$3
        shift 3
        mkdir -p "$work" || exit 1
        "$py" "$src/tests/timm_records.py" "$work/timm.jsonl" "$@" \
            --accuracy "$data/results-imagenet.csv" || exit 1
        exec "$py" "$src/tests/check_analysis.py" "$frm" "$work/timm.jsonl"
    fi
done
echo "skipped: no python3 with numpy and scipy"
exit 77
