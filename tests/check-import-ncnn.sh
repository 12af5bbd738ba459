#!/bin/sh
# Holds `frm import ncnn` to an independent reading (tests/check_ncnn.py) of
# ncnn's benchmark table in shared/data/ncnn (beside the source tree, or
# $FRM_SHARED_DATA/ncnn).  Exit 77 (skipped) without the table or python3.
# usage: check-import-ncnn.sh FRM SOURCE_DIR WORK_DIR
data="${FRM_SHARED_DATA:-$2/../shared/data}/ncnn"
set -- "$1" "$2" "$3" "$data"/benchmark-README-*.md
if [ ! -f "$4" ]; then
    echo "skipped: no ncnn benchmark table in $data"
    exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "skipped: no python3"; exit 77; }
mkdir -p "$3" || exit 1
status=0
frm=$1 src=$2 work=$3
shift 3
for table in "$@"; do
    python3 "$src/tests/check_ncnn.py" "$frm" "$table" "$work" || status=1
done
exit $status
