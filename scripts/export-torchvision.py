#!/usr/bin/python3
"""Export the torchvision members of the paper's model set to ONNX.

A development and test aid, never a dependency of frm: it needs Debian's
python3-torch and python3-torchvision.  The files it writes are outputs
(never committed); tests/check-torchvision compares `frm profile` on them
with the published counts of docs/zoo.md.

usage: export-torchvision.py OUT_DIR [--opset N] [MODEL...]
"""
import argparse
import os
import sys

import torch
import torchvision.models as tvm

# frm name -> (torchvision constructor, keyword arguments, input size)
MODELS = {
    "resnet18": (tvm.resnet18, {}, 224),
    "resnet50": (tvm.resnet50, {}, 224),
    "mobilenetv2_100": (tvm.mobilenet_v2, {}, 224),
    "mobilenetv3_large_100": (tvm.mobilenet_v3_large, {}, 224),
    "mnasnet_100": (tvm.mnasnet1_0, {}, 224),
    "squeezenet1_1": (tvm.squeezenet1_1, {}, 224),
    "densenet121": (tvm.densenet121, {}, 224),
    "efficientnet_b0": (tvm.efficientnet_b0, {}, 224),
    "inception_v3": (tvm.inception_v3, {"aux_logits": False, "init_weights": False}, 299),
    "convnext_tiny": (tvm.convnext_tiny, {}, 224),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--unfused", action="store_true",
                    help="keep BatchNormalization nodes (the exporter folds them into Conv otherwise)")
    ap.add_argument("models", nargs="*", default=sorted(MODELS))
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    torch.manual_seed(0)
    for name in args.models:
        if name not in MODELS:
            sys.exit(f"export-torchvision: unknown model {name!r}")
        ctor, kwargs, size = MODELS[name]
        model = ctor(weights=None, **kwargs).eval()
        # Fresh layers hold many equal tensors (BatchNormalization ones and
        # zeros), which the exporter would merge into one initializer; random
        # values keep one initializer per PyTorch parameter.
        with torch.no_grad():
            for t in list(model.parameters()) + list(model.buffers()):
                if t.is_floating_point():
                    t.uniform_(0.5, 1.5)
        x = torch.randn(1, 3, size, size)
        path = os.path.join(args.out_dir, name + ".onnx")
        # The exporter folds BatchNormalization into Conv only in its EVAL
        # mode; PRESERVE exports the eval-mode model with the nodes kept.
        mode = torch.onnx.TrainingMode.PRESERVE if args.unfused else torch.onnx.TrainingMode.EVAL
        torch.onnx.export(model, x, path, opset_version=args.opset, training=mode,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        params = sum(p.numel() for p in model.parameters())
        print(f"{path} {params}")


if __name__ == "__main__":
    main()
