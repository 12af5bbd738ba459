#!/bin/sh
# Holds `frm import aihub` to an independent reading (tests/check_aihub.py,
# Python's yaml module) of the Qualcomm AI Hub releases in shared/data/aihub
# (beside the source tree, or $FRM_SHARED_DATA/aihub).  Exit 77 (skipped)
# without them or without python3 and its yaml module.
# usage: check-import-aihub.sh FRM SOURCE_DIR WORK_DIR
data="${FRM_SHARED_DATA:-$2/../shared/data}/aihub"
if ! ls -d "$data"/*/qai_hub_models >/dev/null 2>&1; then
    echo "skipped: no AI Hub releases in $data"
    exit 77
fi
for py in "${FRM_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$py" ] || continue
    if "$py" -c 'import yaml' >/dev/null 2>&1; then
        mkdir -p "$3" || exit 1
        exec "$py" "$2/tests/check_aihub.py" "$1" "$3" $(ls -d "$data"/*/ | sed 's:/$::')
    fi
done
echo "skipped: no python3 with the yaml module"
exit 77
