"""Acceptance check of `frm profile` on models exported by PyTorch.

Exports the ten torchvision members of the paper's model set (docs/zoo.md) with
scripts/export-torchvision.py, profiles them, and checks:
  - macs equal the published counts (docs/zoo.md) within 0.1%, unknown_nodes empty;
  - params of the files with BatchNormalization kept equal the published counts (PyTorch's
    own parameter count, which the exporter also prints);
  - params of every file equal an independent count made here with the
    onnx package: floating-point initializers less those used only as
    BatchNormalization running mean/var (through Identity).

usage: check_torchvision.py FRM WORK_DIR SOURCE_DIR
Exit 77 (skipped) when torch, torchvision or onnx cannot be imported.
"""
import csv
import io
import os
import subprocess
import sys

try:
    import numpy as np
    import onnx
    import torch  # noqa: F401  (the exporter needs it)
    import torchvision  # noqa: F401
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)

PUBLISHED = {  # name: (params, MACs at batch 1)
    "resnet18": (11689512, 1814073344),
    "resnet50": (25557032, 4089184256),
    "mobilenetv2_100": (3504872, 300774272),
    "mobilenetv3_large_100": (5483032, 216589760),
    "mnasnet_100": (4383312, 314415872),
    "squeezenet1_1": (1235496, 349151936),
    "densenet121": (7978856, 2834161664),
    "efficientnet_b0": (5288548, 385814752),
    "inception_v3": (23834568, 5713216096),
    "convnext_tiny": (28589128, 4455531264),
}
FLOAT_TYPES = {1, 10, 11, 16}


def onnx_param_count(path):
    g = onnx.load(path, load_external_data=False).graph
    inits = {t.name: t for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}

    def source(name):
        while name in producer and producer[name].op_type == "Identity":
            name = producer[name].input[0]
        return name

    uses = {}
    for n in g.node:
        if n.op_type == "Identity":
            continue
        for k, name in enumerate(n.input):
            s = source(name)
            if s in inits:
                stat = n.op_type == "BatchNormalization" and k in (3, 4)
                uses.setdefault(s, set()).add("stat" if stat else "other")
    return sum(int(np.prod(t.dims)) for name, t in inits.items()
               if t.data_type in FLOAT_TYPES and uses.get(name) != {"stat"})


def main():
    frm, work, source_dir = sys.argv[1:4]
    exporter = os.path.join(source_dir, "scripts", "export-torchvision.py")
    failures = 0
    for variant, args in (("fused-opset13", []), ("unfused-opset13", ["--unfused"]),
                          ("fused-opset17", ["--opset", "17"])):
        out = os.path.join(work, variant)
        subprocess.run([sys.executable, exporter, out] + args, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        paths = [os.path.join(out, name + ".onnx") for name in sorted(PUBLISHED)]
        res = subprocess.run([frm, "profile", "--format", "csv"] + paths, check=True,
                             capture_output=True, text=True)
        for row in csv.DictReader(io.StringIO(res.stdout)):
            name, path = row["model"], row["file"]
            published_params, published_macs = PUBLISHED[name]
            macs, params = int(row["macs"]), int(row["params"])
            rel = abs(macs - published_macs) / published_macs
            oracle = onnx_param_count(path)
            problems = []
            if rel > 0.001:
                problems.append(f"macs {macs} vs published {published_macs} ({rel:.4%})")
            if int(row["unknown_nodes"]):
                problems.append(f"{row['unknown_nodes']} unknown nodes")
            if params != oracle:
                problems.append(f"params {params} vs onnx count {oracle}")
            if "unfused" in variant and params != published_params:
                problems.append(f"params {params} vs published {published_params}")
            status = "FAIL " + "; ".join(problems) if problems else "ok"
            print(f"{variant:16} {name:22} macs {macs:>11} ({rel:.4%}) params {params:>9}  {status}")
            failures += bool(problems)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
