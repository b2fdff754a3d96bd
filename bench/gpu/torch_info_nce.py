#!/usr/bin/env python3
"""PyTorch reference timings for the InfoNCE losses, to compare with GpuInfoNceBench (same sizes, fp32).

Queue form, MoCo's usual formulation (moco/builder.py):
    l_pos = einsum('nc,nc->n', q, k).unsqueeze(-1);  l_neg = q @ queue.T
    logits = cat([l_pos, l_neg], 1) / T;  loss = cross_entropy(logits, zeros)
  N = 256, D = 128, K in {4096, 65536}; forward + backward (dq; k and the queue are constants).
Symmetric in-batch form (CLIP): logits = s q k^T, loss = (CE(logits, arange) + CE(logits.T, arange)) / 2,
  N in {256, 1024, 4096}, D = 128; forward + backward (dq, dk and the logit scale).

Timing with CUDA events over `--iters` runs after `--warmup`; peak memory is torch.cuda.max_memory_allocated
for one forward + backward beyond the inputs. Prints one table.

    python3 bench/gpu/torch_info_nce.py [--iters 50] [--warmup 10]
"""
import argparse

import torch
import torch.nn.functional as F

D = 128
TAU = 0.07


def unit(rows, requires_grad=False):
    x = F.normalize(torch.randn(rows, D, device="cuda", dtype=torch.float32), dim=1)
    return x.requires_grad_(requires_grad)


def moco_queue(q, k, queue):
    l_pos = torch.einsum("nc,nc->n", q, k).unsqueeze(-1)
    l_neg = q @ queue.T
    logits = torch.cat([l_pos, l_neg], dim=1) / TAU
    labels = torch.zeros(logits.shape[0], dtype=torch.long, device="cuda")
    return F.cross_entropy(logits, labels)


def clip_symmetric(q, k, logit_scale):
    logits = logit_scale.exp() * q @ k.T
    labels = torch.arange(q.shape[0], device="cuda")
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels))


def time_it(step, warmup, iters):
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        step()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / iters


def peak_bytes(step):
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    step()
    torch.cuda.synchronize()
    return torch.cuda.max_memory_allocated() - base


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    args = ap.parse_args()
    assert torch.cuda.is_available(), "needs a CUDA GPU"
    torch.backends.cuda.matmul.allow_tf32 = False   # fp32, as the sslj kernels
    torch.backends.cudnn.allow_tf32 = False
    torch.manual_seed(0)
    rows = []

    for kk in (4096, 65536):
        q, k, queue = unit(256, True), unit(256), unit(kk)

        def step():
            q.grad = None
            moco_queue(q, k, queue).backward()

        rows.append(("queue (MoCo)", 256, kk, time_it(step, args.warmup, args.iters), peak_bytes(step)))

    for n in (256, 1024, 4096):
        q, k = unit(n, True), unit(n, True)
        logit_scale = torch.tensor(1.0 / TAU, device="cuda").log().requires_grad_(True)

        def step():
            q.grad = k.grad = logit_scale.grad = None
            clip_symmetric(q, k, logit_scale).backward()

        rows.append(("in-batch symmetric (CLIP)", n, n, time_it(step, args.warmup, args.iters), peak_bytes(step)))

    print(f"PyTorch {torch.__version__}, {torch.cuda.get_device_name()}, fp32 (TF32 off), D = {D}, forward + backward")
    print(f"{'form':<28}{'N':>6}{'K / N':>8}{'ms':>10}{'peak MiB':>11}")
    for form, n, kk, ms, peak in rows:
        print(f"{form:<28}{n:>6}{kk:>8}{ms:>10.3f}{peak / 2**20:>11.1f}")


if __name__ == "__main__":
    main()
