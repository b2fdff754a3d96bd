#!/usr/bin/env python3
"""cuBLAS FP32 SGEMM through PyTorch: the reference for GpuGemmBench's PTX SGEMM (issue 7's target is
"PTX SGEMM >= 50 % of cuBLAS FP32 SGEMM at 4096").

JCuda's cuBLAS binding needs libcublas.so.12, which the CUDA 13 GPU machine does not have, so the
benchmark cannot call cuBLAS itself; PyTorch there links cuBLAS 13. torch.mm on float32 CUDA tensors with
TF32 off is a plain cublasSgemm (or cublasLt's FP32 kernel): the same C = A B the PTX kernel computes,
row-major A [M, K] and B [K, N]. Also timed: A B^T and A^T B (the transposed operands our backward uses).
CUDA events around `reps` calls after a warm-up; TFLOP/s = 2 M N K / time.

    python3 bench/gpu/torch_sgemm.py [--sizes 1024,2048,4096] [--reps 20]
"""
import argparse

import torch


def time_ms(fn, reps, warm=5):
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="1024,2048,4096")
    p.add_argument("--reps", type=int, default=20)
    args = p.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False          # exact FP32: what the PTX SGEMM computes
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}, cuBLAS via torch.mm, fp32, TF32 off")
    print("| size | A B ms | A B TFLOP/s | A B^T TFLOP/s | A^T B TFLOP/s |")
    print("|---:|---:|---:|---:|---:|")
    for n in (int(s) for s in args.sizes.split(",")):
        torch.manual_seed(0)
        a = torch.randn(n, n, device="cuda")
        b = torch.randn(n, n, device="cuda")
        out = torch.empty(n, n, device="cuda")
        flop = 2.0 * n * n * n
        t_nn = time_ms(lambda: torch.mm(a, b, out=out), args.reps)
        t_nt = time_ms(lambda: torch.mm(a, b.t(), out=out), args.reps)
        t_tn = time_ms(lambda: torch.mm(a.t(), b, out=out), args.reps)
        print(f"| {n} | {t_nn:.3f} | {flop / t_nn / 1e9:.1f} | {flop / t_nt / 1e9:.1f} | {flop / t_tn / 1e9:.1f} |")


if __name__ == "__main__":
    main()
