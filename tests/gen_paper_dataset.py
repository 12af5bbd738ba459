#!/usr/bin/python3
"""Write a SYNTHETIC paper-style benchmark dataset for `frm analyze` tests.

    gen_paper_dataset.py OUT.jsonl [--seed N]

Nothing here was measured.  The records imitate the shape of the FRM
paper's study (13 models, GPU, CPU and edge configurations, several
frameworks on one device) so that every figure of docs/analysis.md has
something non-trivial to compute, and every record says so with
"source": "synthetic:paper-style".

What the data contain, and why:

- 380 records: the 13 models (timm names; DeiT-Tiny is
  deit_tiny_patch16_224, as in frm's zoo) in 31 configurations on 20
  devices: 8 GPU, 8 CPU, 15 edge.  Nine devices have two or three
  configurations (another framework, thread count or batch), so the
  frameworks section has 13 pairs.  Two edge configurations are int8.
- Latency = device speed x the model's cost on that tier (model x tier
  interaction: mobile-NAS models relatively faster on edge, ResNet18
  relatively faster on GPU, LeViT slow for its few MACs) x a framework effect
  x a device effect x noise.  Rank correlations therefore land between
  about 0.7 and 1, and FRM disagrees with MACs by 2 ranks or more in
  some configurations.
- Three configurations run batches (8, 16, 32): latency_ms.median is per
  call there, so a reader must divide by config.batch.
- Some configurations lack models.  mobilevit_s has one GPU record, so
  it is measured on two tiers (interactions runs Mann-Whitney on it, and
  Kruskal-Wallis on the others).  "xiaomi-13/tflite/threads-4/batch-1"
  has no resnet50, so it cannot be scored against the default baseline;
  "rpi4/onnxruntime/threads-4/batch-1" has only five models, so it drops
  out of pairs and of the FLOPs section when --min-common is raised.
- Nine configurations have energy_mj on every model (for FRM_E), the rest
  have null.
- accuracy_top1 is null on two records: resnet50 on
  "pixel6/pytorch/threads-4/batch-1" (so FRM_Q cannot score that
  configuration) and levit_128s on "galaxy-s21/onnxruntime/threads-4/
  batch-1" (so FRM_Q leaves that model out there).
- Values are rounded as a real tool would print them (latency to 1 us,
  memory to 0.1 MB, energy to 0.01 mJ); one deliberate latency tie sits
  in "pixel7/tflite/threads-4/batch-1".

The output depends only on --seed (Python's own `random`, which is stable
across Python versions), so a rerun writes the same bytes.  Only the
standard library is needed.
"""
import argparse
import json
import math
import random
import sys

DEFAULT_SEED = 20250601

# name: (MACs, FLOPs, params, accuracy_top1, relative latency to resnet50
#        on gpu, cpu, edge at batch 1 fp32, activation MB per sample)
# MACs and params are the published counts (docs/zoo.md); FLOPs are
# 2 x MACs plus an element-wise share; accuracies are the published
# ImageNet top-1 of the timm / torchvision weights.
MODELS = {
    "resnet50":              (4089184256, 8212000000, 25557032, 0.8037, 1.00, 1.00, 1.00, 26.0),
    "resnet18":              (1814073344, 3640000000, 11689512, 0.6976, 0.38, 0.47, 0.60, 11.0),
    "mobilenetv2_100":       (300774272, 629000000, 3504872, 0.7297, 0.80, 0.24, 0.40, 19.0),
    "mobilenetv3_large_100": (216589760, 455000000, 5483032, 0.7577, 0.848, 0.17, 0.309, 11.0),
    "efficientnet_b0":       (385814752, 822000000, 5288548, 0.7769, 1.15, 0.36, 0.45, 22.0),
    "mnasnet_100":           (314415872, 654000000, 4383312, 0.7466, 0.80, 0.22, 0.275, 16.0),
    "squeezenet1_1":         (349151936, 723000000, 1235496, 0.5818, 0.30, 0.13, 0.18, 8.5),
    "levit_128s":            (304660832, 622000000, 7777058, 0.7653, 1.00, 0.33, 0.75, 12.0),
    "densenet121":           (2834161664, 5740000000, 7978856, 0.7443, 1.80, 0.80, 0.80, 36.0),
    "inception_v3":          (5713216096, 11480000000, 23834568, 0.7729, 1.45, 1.30, 1.40, 41.0),
    "convnext_tiny":         (4455531264, 8950000000, 28589128, 0.8213, 1.10, 1.15, 1.35, 30.0),
    "deit_tiny_patch16_224": (1253683200, 2520000000, 5717416, 0.7217, 0.55, 0.40, 0.55, 8.0),
    "mobilevit_s":           (2000831488, 4060000000, 5578632, 0.7831, 1.35, 0.65, 0.95, 35.0),
}
TRANSFORMERS = {"levit_128s", "deit_tiny_patch16_224", "mobilevit_s"}
TIER_INDEX = {"gpu": 0, "cpu": 1, "edge": 2}

FRAMEWORK_VERSION = {"onnxruntime": "1.29.0", "pytorch": "2.5.1", "tflite": "2.17.0"}
# Fixed runtime overhead in the peak memory (MB), by (framework, tier).
MEMORY_OVERHEAD = {
    ("onnxruntime", "gpu"): 42.0, ("pytorch", "gpu"): 64.0,
    ("onnxruntime", "cpu"): 14.0, ("pytorch", "cpu"): 36.0,
    ("onnxruntime", "edge"): 9.0, ("pytorch", "edge"): 22.0, ("tflite", "edge"): 3.5,
}

# mobilevit_s has a GPU record on a100/onnxruntime only, so it is
# measured on two tiers only (interactions then runs Mann-Whitney on it).
NO_MOBILEVIT = ("mobilevit_s",)

# (device, tier, framework, provider/threads, batch, precision,
#  resnet50 ms at batch 1, energy source or None, models left out)
CONFIGS = [
    ("a100", "gpu", "onnxruntime", "cuda", 1, "fp32", 4.2, "nvml", ()),
    ("a100", "gpu", "pytorch", "cuda", 1, "fp32", 5.1, None, NO_MOBILEVIT),
    ("h100", "gpu", "onnxruntime", "cuda", 1, "fp32", 3.1, "nvml", NO_MOBILEVIT),
    ("h100", "gpu", "onnxruntime", "cuda", 32, "fp32", 3.1, None, NO_MOBILEVIT),
    ("rtx4090", "gpu", "onnxruntime", "cuda", 1, "fp32", 2.6, "nvml", NO_MOBILEVIT),
    ("rtx4090", "gpu", "pytorch", "cuda", 1, "fp32", 3.0, None, NO_MOBILEVIT),
    ("rtx3090", "gpu", "pytorch", "cuda", 16, "fp32", 3.8, None, NO_MOBILEVIT),
    ("mi300", "gpu", "onnxruntime", "rocm", 1, "fp32", 3.5, None, ("levit_128s", "mobilevit_s")),
    ("xeon-icelake", "cpu", "onnxruntime", 16, 1, "fp32", 18.0, "rapl", ()),
    ("xeon-icelake", "cpu", "onnxruntime", 4, 1, "fp32", 45.0, "rapl", ()),
    ("xeon-icelake", "cpu", "pytorch", 16, 1, "fp32", 24.0, None, ()),
    ("xeon-sapphire", "cpu", "onnxruntime", 8, 1, "fp32", 16.0, "rapl", ()),
    ("epyc-7763", "cpu", "onnxruntime", 8, 1, "fp32", 28.0, None, ()),
    ("epyc-7763", "cpu", "pytorch", 8, 8, "fp32", 33.0, None, ()),
    ("aws-c7i", "cpu", "onnxruntime", 4, 1, "fp32", 40.0, None, ("densenet121",)),
    ("azure-d8", "cpu", "onnxruntime", 8, 1, "fp32", 35.0, None, ()),
    ("pixel6", "edge", "tflite", 4, 1, "fp32", 95.0, "odpm", ()),
    ("pixel6", "edge", "pytorch", 4, 1, "fp32", 140.0, None, ()),
    ("pixel6", "edge", "onnxruntime", 4, 1, "fp32", 118.0, None, ()),
    ("pixel7", "edge", "tflite", 4, 1, "fp32", 84.0, None, ()),
    ("pixel8", "edge", "tflite", 4, 1, "fp32", 75.0, "odpm", ()),
    ("pixel8", "edge", "tflite", 1, 1, "fp32", 210.0, None, ("inception_v3", "convnext_tiny")),
    ("pixel9", "edge", "tflite", 4, 1, "int8", 66.0, None, ()),
    ("galaxy-s21", "edge", "tflite", 4, 1, "fp32", 110.0, None, ()),
    ("galaxy-s21", "edge", "onnxruntime", 4, 1, "fp32", 131.0, None, ()),
    ("galaxy-s23", "edge", "tflite", 4, 1, "fp32", 70.0, "power-rails", ()),
    ("oneplus-11", "edge", "tflite", 4, 1, "fp32", 72.0, None, ()),
    ("xiaomi-13", "edge", "tflite", 4, 1, "fp32", 80.0, None, ("resnet50", "inception_v3")),
    ("snapdragon-8gen2-hdk", "edge", "tflite", 4, 1, "int8", 58.0, None, ()),
    ("rpi4", "edge", "tflite", 4, 1, "fp32", 480.0, None, ("densenet121", "inception_v3")),
    ("rpi4", "edge", "onnxruntime", 4, 1, "fp32", 520.0, None,
     tuple(m for m in MODELS if m not in
           ("resnet50", "resnet18", "mobilenetv2_100", "squeezenet1_1", "mnasnet_100"))),
]
NULL_ACCURACY = {
    ("pixel6/pytorch/threads-4/batch-1", "resnet50"),
    ("galaxy-s21/onnxruntime/threads-4/batch-1", "levit_128s"),
}
# (config_id, model, model whose latency it copies): an exact tie.
LATENCY_TIE = ("pixel7/tflite/threads-4/batch-1", "mnasnet_100", "mobilenetv2_100")


def config_id(device, framework, where, batch, precision):
    """DEVICE/FRAMEWORK/threads-N/batch-B, or the provider on a GPU."""
    place = where if isinstance(where, str) else "threads-%d" % where
    cid = "%s/%s/%s/batch-%d" % (device, framework, place, batch)
    return cid + "/int8" if precision == "int8" else cid


def lognormal(rng, sigma):
    return math.exp(rng.gauss(0.0, sigma))


def effects(rng):
    """Per (framework, model) and per (device, model) latency factors.

    Drawn once, so that two frameworks on one device share the device's
    factors (high framework-invariance rho) and one framework behaves alike
    on every device.
    """
    fw = {}
    for framework in sorted(FRAMEWORK_VERSION):
        for m in MODELS:
            f = lognormal(rng, 0.16)
            if framework == "tflite" and m in TRANSFORMERS:
                f *= 1.25           # attention kernels are weak in tflite
            if framework == "pytorch" and m in ("mobilenetv2_100", "mnasnet_100",
                                                "mobilenetv3_large_100", "efficientnet_b0"):
                f *= 1.20           # eager depthwise convolutions
            fw[framework, m] = f
    dev = {}
    for device in dict.fromkeys(c[0] for c in CONFIGS):
        for m in MODELS:
            dev[device, m] = lognormal(rng, 0.16)
    return fw, dev


def thread_factor(macs, threads):
    """Slow-down at fewer than 4 threads: big models lose the most."""
    if threads >= 4:
        return 1.0
    lo, hi = math.log(216589760), math.log(5713216096)
    return 1.6 + 1.4 * (math.log(macs) - lo) / (hi - lo)


def per_sample_at_batch(lat1, macs, r50_ms, tier, batch):
    """Per-sample latency at `batch`, from the per-sample latency at 1.

    One sample still pays the batch-1 cost; the other batch - 1 cost only
    their arithmetic, in proportion to MACs.  Large batches are therefore
    compute-bound and rank models nearly as MACs do.
    """
    if batch == 1:
        return lat1
    compute = r50_ms * (0.12 if tier == "gpu" else 0.7) * macs / 4089184256
    return (lat1 + (batch - 1) * compute) / batch


def make_records(seed):
    rng = random.Random(seed)
    fw_effect, dev_effect = effects(rng)
    records = []
    for ci, (device, tier, framework, where, batch, precision, r50_ms, energy_src,
             missing) in enumerate(CONFIGS):
        cid = config_id(device, framework, where, batch, precision)
        threads = where if isinstance(where, int) else None
        config = {"batch": batch, "precision": precision}
        if threads is None:
            config["provider"] = where
        else:
            config["provider"] = "cpu" if framework != "tflite" else "xnnpack"
            config["threads"] = threads
        watts = {"gpu": 260.0, "cpu": 95.0, "edge": 3.2}[tier] * lognormal(rng, 0.10)
        per_sample = {}
        for mi, (m, (macs, flops, params, acc, *rel, act_mb)) in enumerate(MODELS.items()):
            # Draw for every model, left out or not, so that leaving a model
            # out of one configuration does not reshuffle the others.
            noise = lognormal(rng, 0.12)
            mem_noise = lognormal(rng, 0.06)
            util = 0.75 + 0.5 * rng.random()
            spread = [rng.random() for _ in range(3)]      # mean, min, p90
            if m in missing:
                continue
            lat = (r50_ms * rel[TIER_INDEX[tier]] * fw_effect[framework, m]
                   * dev_effect[device, m] * noise)
            if threads is not None:
                lat *= thread_factor(macs, threads)
            if precision == "int8":
                lat *= 0.85 if m in TRANSFORMERS else 0.5
            lat = per_sample_at_batch(lat, macs, r50_ms, tier, batch)
            per_sample[m] = lat
            median = round(lat * batch, 3)
            if (cid, m) == LATENCY_TIE[:2]:
                median = round(per_sample[LATENCY_TIE[2]] * batch, 3)
            bytes_per_weight = 1 if precision == "int8" else 4
            weights_mb = params * bytes_per_weight / 1e6
            peak = (MEMORY_OVERHEAD[framework, tier] + 1.15 * weights_mb
                    + act_mb * batch * (0.6 if framework == "tflite" else 1.0)) * mem_noise
            energy = None
            if energy_src is not None:
                energy = round(median / batch * watts * util, 2)
            accuracy = None if (cid, m) in NULL_ACCURACY else acc
            stamp = "2025-06-%02dT%02d:%02d:%02dZ" % (1 + ci % 28, 8 + mi % 12, (7 * ci) % 60,
                                                      (13 * mi) % 60)
            rec = {
                "schema": "frm.record/1",
                "status": "ok",
                "model": m,
                "device": device,
                "tier": tier,
                "framework": framework,
                "framework_version": FRAMEWORK_VERSION[framework],
                "config": config,
                "config_id": cid,
                "latency_ms": {
                    "median": median,
                    "mean": round(median * (1.0 + 0.04 * spread[0]), 3),
                    "min": round(median * (1.0 - 0.05 * spread[1]), 3),
                    "p90": round(median * (1.03 + 0.08 * spread[2]), 3),
                    "n": 100,
                    "warmup": 10,
                },
                "memory_mb": {"peak": round(peak, 1), "source": "measured"},
                "energy_mj": energy,
                "macs": macs,
                "flops": flops,
                "params": params,
                "accuracy_top1": accuracy,
                "source": "synthetic:paper-style",
                "frm_version": "0.1.0",
                "timestamp": stamp,
            }
            if energy_src is not None:
                rec["energy_source"] = energy_src
            records.append(rec)
    return records


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="JSON Lines file to write")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED,
                    help="random seed (default %d)" % DEFAULT_SEED)
    args = ap.parse_args(argv)
    records = make_records(args.seed)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for rec in records:
            f.write(json.dumps(rec, separators=(",", ":"), allow_nan=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
