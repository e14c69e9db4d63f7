#!/usr/bin/env python3
"""PyTorch anchor of the 'train' benchmark suite (src/bench/suites/train-node.ts) and of
bench/train-accuracy.ts: the paper's network (docs/methods.md) built from a configuration, trained
with Adam, timed the way paretonas' trainer is: the first epoch apart, then each further epoch.

Usage: torch_train.py DATA CONFIGS_JSON [--threads N] [--epochs E] [--device cpu|cuda]
DATA: the directory of Flowers' .npy files, or `synthetic` for random images of Flowers' shape
(3x16x16, 17 classes) and random labels, as the benchmark suite trains on (no data files needed).
CONFIGS_JSON: a JSON list of items, each {"name", "config", "images"} (timing: E epochs, default 2,
over the first `images` training images; prints the seconds of each epoch) or {"name", "config",
"epochs", "seed"} (accuracy: a full training on Flowers, then validation and test accuracy).
Prints one JSON object per line.
"""
import json, resource, sys, time
import numpy as np
import torch
import torch.nn as nn


def build(cfg, in_ch, size, classes):
    k = cfg["kernel_size"]
    layers, c, s = [], in_ch, size
    for i in range(cfg["n_conv_l"]):
        w = cfg["n_conv_%d" % i]
        layers += [nn.Conv2d(c, w, k, padding=(k - 1) // 2), nn.ReLU()]
        if cfg["batch_norm"]:
            layers.append(nn.BatchNorm2d(w))
        layers.append(nn.MaxPool2d(2, 2))
        c, s = w, s // 2
    if cfg["global_avg_pooling"]:
        layers.append(nn.AdaptiveAvgPool2d(1))
        f = c
    else:
        f = c * s * s
    layers.append(nn.Flatten())
    for j in range(cfg["n_fc_l"]):
        w = cfg["n_fc_%d" % j]
        layers += [nn.Linear(f, w), nn.ReLU()]
        f = w
    layers.append(nn.Linear(f, classes))
    return nn.Sequential(*layers)


def synthetic(n):
    g = torch.Generator().manual_seed(1)
    xs = {k: torch.rand(m, 3, 16, 16, generator=g) for k, m in (("train", n), ("val", 2), ("test", 2))}
    ys = {k: torch.randint(0, 17, (len(xs[k]),), generator=g) for k in xs}
    return xs, ys


def load(d):
    xs = {k: torch.tensor(np.load("%s/x_%s.npy" % (d, k)), dtype=torch.float32).permute(0, 3, 1, 2).contiguous() for k in ("train", "val", "test")}
    ys = {k: torch.tensor(np.load("%s/y_%s.npy" % (d, k)).argmax(1)) for k in ("train", "val", "test")}
    return xs, ys


def accuracy(model, x, y, bs):
    model.eval()
    c1 = c3 = 0
    with torch.no_grad():
        for i in range(0, len(x), bs):
            out = model(x[i:i + bs])
            top = out.topk(3, 1).indices
            c1 += (top[:, 0] == y[i:i + bs]).sum().item()
            c3 += (top == y[i:i + bs, None]).any(1).sum().item()
    return c1 / len(x), c3 / len(x)


def main():
    d, configs = sys.argv[1], json.loads(sys.argv[2])
    args = sys.argv[3:]
    threads = int(args[args.index("--threads") + 1]) if "--threads" in args else 2
    timed_epochs = int(args[args.index("--epochs") + 1]) if "--epochs" in args else 2
    device = args[args.index("--device") + 1] if "--device" in args else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        sys.exit("torch_train.py: --device cuda: this torch sees no CUDA device")
    torch.set_num_threads(threads)
    if d == "synthetic":
        xs, ys = synthetic(max(item.get("images", 0) for item in configs))
    else:
        xs, ys = load(d)
    for item in configs:
        cfg = item["config"]
        torch.manual_seed(item.get("seed", 0))
        model = build(cfg, 3, 16, 17)
        opt = torch.optim.Adam(model.parameters(), lr=cfg["lr_init"])
        loss_fn = nn.CrossEntropyLoss()
        bs = cfg["batch_size"]
        epochs = item.get("epochs")
        if epochs:
            g = torch.Generator().manual_seed(item.get("seed", 0))
            t0 = time.perf_counter()
            for _ in range(epochs):
                model.train()
                perm = torch.randperm(len(xs["train"]), generator=g)
                for i in range(0, len(perm), bs):
                    idx = perm[i:i + bs]
                    opt.zero_grad()
                    loss_fn(model(xs["train"][idx]), ys["train"][idx]).backward()
                    opt.step()
            secs = time.perf_counter() - t0
            v1, v3 = accuracy(model, xs["val"], ys["val"], bs)
            t1, t3 = accuracy(model, xs["test"], ys["test"], bs)
            print(json.dumps({"name": item["name"], "epochs": epochs, "val_acc_1": v1, "val_acc_3": v3, "tst_acc_1": t1, "tst_acc_3": t3,
                              "images_per_second": epochs * len(xs["train"]) / secs, "threads": threads}), flush=True)
            continue
        n = item["images"]
        x, y = xs["train"][:n], ys["train"][:n]
        if device != "cpu":
            # the whole set resident on the GPU, as the WebGPU trainer keeps it; the optimizer is
            # made again after the move so that its state lives there too
            model, x, y = model.to(device), x.to(device), y.to(device)
            opt = torch.optim.Adam(model.parameters(), lr=cfg["lr_init"])
        model.train()
        seconds = []
        for _ in range(timed_epochs):
            t0 = time.perf_counter()
            for i in range(0, n, bs):
                opt.zero_grad()
                loss_fn(model(x[i:i + bs]), y[i:i + bs]).backward()
                opt.step()
            if device == "cuda":
                torch.cuda.synchronize()
            seconds.append(time.perf_counter() - t0)
        print(json.dumps({"name": item["name"], "images": n, "epoch_seconds": seconds, "threads": threads, "torch": torch.__version__, "device": device,
                          "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


if __name__ == "__main__":
    main()
