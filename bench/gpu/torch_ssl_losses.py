#!/usr/bin/env python3
"""PyTorch eager NT-Xent (SimCLR) fwd+bwd on the GPU: the baseline for GpuNtXentBench.

The usual formulation: normalise, z z^T / tau, mask the diagonal with -inf, cross-entropy with the
positive index as the label. fp32 (TF32 matmul off), CUDA-event timing (median of 50 after 10 warm-up
runs), and the peak memory the step allocates (torch.cuda.max_memory_allocated above the inputs).

    python3 bench/gpu/torch_ssl_losses.py [--sizes 512,2048,8192,32768] [--dim 128] [--tau 0.1]
"""
import argparse

import torch
import torch.nn.functional as F


def nt_xent(z, tau):
    z = F.normalize(z, dim=1)
    s = z @ z.t() / tau
    n2 = z.shape[0]
    s = s.masked_fill(torch.eye(n2, dtype=torch.bool, device=z.device), float("-inf"))
    labels = (torch.arange(n2, device=z.device) + n2 // 2) % n2
    return F.cross_entropy(s, labels)


def bench(n2, dim, tau, reps=50, warm=10):
    torch.manual_seed(0)
    x = torch.randn(n2, dim, device="cuda", requires_grad=True)
    for _ in range(warm):
        x.grad = None
        nt_xent(x, tau).backward()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        x.grad = None
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        loss = nt_xent(x, tau)
        loss.backward()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    x.grad = None
    torch.cuda.synchronize()
    base = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    nt_xent(x, tau).backward()
    torch.cuda.synchronize()
    peak = torch.cuda.max_memory_allocated() - base
    times.sort()
    return times[len(times) // 2], peak, loss.item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="512,2048,8192,32768")
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--tau", type=float, default=0.1)
    a = p.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    print(f"# PyTorch {torch.__version__}, {torch.cuda.get_device_name()}, fp32, tau={a.tau}")
    print(f"| {'2N':>6} | {'D':>4} | {'nt-xent fwd+bwd ms':>18} | {'peak MiB':>9} | {'loss':>9} |")
    print(f"|{'-' * 8}|{'-' * 6}|{'-' * 20}|{'-' * 11}|{'-' * 11}|")
    for n2 in [int(s) for s in a.sizes.split(",")]:
        try:
            ms, peak, loss = bench(n2, a.dim, a.tau)
            print(f"| {n2:>6} | {a.dim:>4} | {ms:>18.4f} | {peak / 2**20:>9.1f} | {loss:>9.4f} |", flush=True)
        except torch.cuda.OutOfMemoryError:
            print(f"| {n2:>6} | {a.dim:>4} | {'out of memory':>18} | {'-':>9} | {'-':>9} |", flush=True)
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
