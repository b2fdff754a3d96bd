#!/usr/bin/env python3
"""The PyTorch side of sslj.bench.TrainStepBench: the same jobs, timed the same way.

  simclr  ResNet-18 (small-image stem, width W) on the two views as one batch of 2B, head
          Linear-BN-ReLU-Linear -> 128, NT-Xent (tau 0.5), backward, LARS (per-parameter, as SimCLR's)
  moco    MoCo v2: query forward in 2 BN groups, key forward (no grad, shuffled in 2 groups), InfoNCE
          against a 4,096-key queue (tau 0.2), backward, SGD, EMA of the key encoder, enqueue
  knn     eval-mode features of 10,000 images (batches of 256), weighted kNN (k 200, tau 0.1) of those
          against a 60,000-row bank of random features

Random images made once (the data loader is excluded), steady state after warm-up, all cores.
Prints one line in TrainStepBench's format. PyTorch from Debian's python3-torch (installed by hand for
measuring; nothing in the build or the tests needs it):

  python3 bench/cpu/torch_train_step.py simclr --width 16 [--batch 256] [--steps 10] [--warmup 3]
"""
import argparse
import copy
import os
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


class ResNet18(nn.Module):
    """ResNet-18 with the small-image stem (3x3 stride 1, no max pool), widths w, 2w, 4w, 8w."""

    def __init__(self, width, channels=1):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(channels, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        layers, cin = [], width
        for i, stride in enumerate([1, 2, 2, 2]):
            cout = width << i
            layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.feature_dim = cin

    def forward(self, x):
        return torch.flatten(F.adaptive_avg_pool2d(self.layers(self.stem(x)), 1), 1)


def nt_xent(z, tau):
    z = F.normalize(z, dim=1)
    n2 = z.shape[0]
    sim = z @ z.t() / tau
    sim.fill_diagonal_(float("-inf"))
    target = (torch.arange(n2) + n2 // 2) % n2
    return F.cross_entropy(sim, target)


class LARS(torch.optim.Optimizer):
    """LARS as sslj's (and SimCLR's): trust ratio eta*|w|/(|g| + wd*|w|), momentum; no decay or adaptation on 1-d params."""

    def __init__(self, params, lr, weight_decay, momentum=0.9, eta=0.001):
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum, eta=eta))

    @torch.no_grad()
    def step(self):
        for g in self.param_groups:
            for p in g["params"]:
                if p.grad is None:
                    continue
                d = p.grad
                if p.ndim > 1:
                    wn, gn = torch.norm(p), torch.norm(d)
                    trust = torch.where((wn > 0) & (gn > 0), g["eta"] * wn / (gn + g["weight_decay"] * wn), torch.ones_like(wn))
                    d = (d + g["weight_decay"] * p) * trust
                st = self.state[p]
                if "mu" not in st:
                    st["mu"] = torch.zeros_like(p)
                mu = st["mu"]
                mu.mul_(g["momentum"]).add_(d, alpha=g["lr"])
                p.sub_(mu)


def simclr_step_fn(width, batch):
    enc = ResNet18(width)
    f = enc.feature_dim
    head = nn.Sequential(nn.Linear(f, f), nn.BatchNorm1d(f), nn.ReLU(), nn.Linear(f, 128))
    model = nn.Sequential(enc, head)
    decay = [p for p in model.parameters() if p.ndim > 1]
    no_decay = [p for p in model.parameters() if p.ndim <= 1]
    opt = LARS([dict(params=decay), dict(params=no_decay, weight_decay=0.0)], lr=0.3 * batch / 256, weight_decay=1e-6)
    v1, v2 = torch.randn(batch, 1, 28, 28), torch.randn(batch, 1, 28, 28)
    model.train()

    def step():
        loss = nt_xent(model(torch.cat([v1, v2])), 0.5)
        loss.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return step


def grouped(net, x, groups):
    return torch.cat([net(c) for c in torch.tensor_split(x, groups)])


def moco_step_fn(width, batch, queue_size=4096, tau=0.2, m=0.99, groups=2):
    def tower():
        enc = ResNet18(width)
        f = enc.feature_dim
        return nn.Sequential(enc, nn.Linear(f, f), nn.ReLU(), nn.Linear(f, 128))
    q_net = tower()
    k_net = copy.deepcopy(q_net)
    for p in k_net.parameters():
        p.requires_grad_(False)
    queue = F.normalize(torch.randn(queue_size, 128), dim=1)
    ptr = [0]
    opt = torch.optim.SGD(q_net.parameters(), lr=0.03 * batch / 256, momentum=0.9, weight_decay=1e-4)
    xq, xk = torch.randn(batch, 1, 28, 28), torch.randn(batch, 1, 28, 28)
    q_net.train()
    k_net.train()

    def step():
        q = F.normalize(grouped(q_net, xq, groups), dim=1)
        with torch.no_grad():
            perm = torch.randperm(batch)
            k = grouped(k_net, xk[perm], groups)[torch.argsort(perm)]
            k = F.normalize(k, dim=1)
        pos = (q * k).sum(1, keepdim=True)
        neg = q @ queue.t()
        logits = torch.cat([pos, neg], 1) / tau
        loss = F.cross_entropy(logits, torch.zeros(batch, dtype=torch.long))
        loss.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            for pk, pq in zip(k_net.parameters(), q_net.parameters()):
                pk.mul_(m).add_(pq, alpha=1 - m)
            idx = (torch.arange(batch) + ptr[0]) % queue_size
            queue[idx] = k
            ptr[0] = (ptr[0] + batch) % queue_size
    return step


def knn_run(width, queries=10_000, bank_rows=60_000, batch=256, k=200, tau=0.1, classes=10, block=512):
    enc = ResNet18(width).eval()
    images = torch.randn(queries, 1, 28, 28)
    bank = F.normalize(torch.randn(bank_rows, enc.feature_dim), dim=1)
    labels = torch.arange(bank_rows) % classes

    @torch.no_grad()      # on the function that runs: no graph, no kept activations
    def run():
        feats = torch.cat([enc(images[i:i + batch]) for i in range(0, queries, batch)])
        feats = F.normalize(feats, dim=1)
        pred = []
        for i in range(0, queries, block):
            sim = feats[i:i + block] @ bank.t()
            top, idx = sim.topk(k, dim=1)
            w = (top / tau).exp()
            votes = torch.zeros(top.shape[0], classes).scatter_add_(1, labels[idx], w)
            pred.append(votes.argmax(1))
        return torch.cat(pred)
    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("job", choices=["simclr", "moco", "knn"])
    ap.add_argument("--width", type=int, default=16)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()
    threads = os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if a.job == "knn":
        run = knn_run(a.width)
        best = float("inf")
        for _ in range(a.warmup + 1):
            t0 = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - t0)
        seconds, per_s = best, 10_000 / best
    else:
        step = simclr_step_fn(a.width, a.batch) if a.job == "simclr" else moco_step_fn(a.width, a.batch)
        for _ in range(a.warmup):
            step()
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step()
        seconds = (time.perf_counter() - t0) / a.steps
        per_s = a.batch / seconds
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"engine=torch-{torch.__version__} job={a.job} width={a.width} batch={a.batch} threads={threads} "
          f"seconds={seconds:.4f} images_per_s={per_s:.1f} peak_rss_mb={rss}")


if __name__ == "__main__":
    main()
