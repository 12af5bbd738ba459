#!/bin/sh
# Runs tests/check_analysis.py (frm analyze against an independent scipy
# computation) with a Python that has numpy and scipy (Debian's
# python3-scipy): $FRM_PYTHON, then python3, then /usr/bin/python3.
# Exit 77 (skipped) when there is none.
# usage: check-analysis.sh FRM SOURCE_DIR
for py in "${FRM_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$py" ] || continue
    if "$py" -c 'import numpy, scipy.stats' >/dev/null 2>&1; then
        exec "$py" "$2/tests/check_analysis.py" "$1"
    fi
done
echo "skipped: no python3 with numpy and scipy"
exit 77
