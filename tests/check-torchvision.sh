#!/bin/sh
# Runs tests/check_torchvision.py with a Python that has torch, torchvision
# and onnx (Debian's python3-torch, python3-torchvision, python3-onnx):
# $FRM_PYTHON, then python3, then Debian's /usr/bin/python3.  Exit 77
# (skipped) when there is none.
# usage: check-torchvision.sh FRM WORK_DIR SOURCE_DIR
for py in "${FRM_PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$py" ] || continue
    if "$py" -c 'import torch, torchvision, onnx' >/dev/null 2>&1; then
        rm -rf "$2" && mkdir -p "$2" || exit 1
        exec "$py" "$3/tests/check_torchvision.py" "$@"
    fi
done
echo "skipped: no python3 with torch, torchvision and onnx"
exit 77
