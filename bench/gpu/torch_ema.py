#!/usr/bin/env python3
"""PyTorch's EMA formulations over ResNet-18 / ResNet-50-shaped parameter lists, CUDA-event timed,
printed as one table beside sslj's GpuEmaBench (one fused launch over a flat arena).

    per-param loop   MoCo's momentum update:  for pt, po in zip(...): pt.mul_(m).add_(po, alpha=1-m)
    foreach mul/add  torch._foreach_mul_(t, m); torch._foreach_add_(t, o, alpha=1-m)
    foreach lerp     torch._foreach_lerp_(t, o, 1-m)           (t + (1-m)(o - t))
    flat lerp        one tensor: t.lerp_(o, 1-m)                (what an arena allows in PyTorch)
    d2d copy         a device-to-device copy of the same 12n bytes of traffic (the bandwidth yardstick)

GB/s = 12 n bytes / time (read target, read online, write target). Shapes come from torchvision when it
is installed, else from a built-in list with the same parameter counts (11,689,512 and 25,557,032).

    python3 bench/gpu/torch_ema.py [--reps 50]
"""
import argparse

import torch


def resnet_shapes(depth):
    try:
        import torchvision
        model = getattr(torchvision.models, f"resnet{depth}")()
        return [tuple(p.shape) for p in model.parameters()]
    except Exception:
        return synthetic_resnet_shapes(depth)


def synthetic_resnet_shapes(depth):
    """Parameter shapes of torchvision's resnet18 / resnet50 (conv weights, BN weight+bias, fc)."""
    shapes = [(64, 3, 7, 7), (64,), (64,)]
    def bn(c): return [(c,), (c,)]
    if depth == 18:
        blocks, expansion = [2, 2, 2, 2], 1
    else:
        blocks, expansion = [3, 4, 6, 3], 4
    inplanes = 64
    for stage, (n, planes) in enumerate(zip(blocks, [64, 128, 256, 512])):
        for b in range(n):
            if expansion == 1:
                shapes += [(planes, inplanes, 3, 3)] + bn(planes) + [(planes, planes, 3, 3)] + bn(planes)
            else:
                shapes += [(planes, inplanes, 1, 1)] + bn(planes) + [(planes, planes, 3, 3)] + bn(planes)
                shapes += [(planes * 4, planes, 1, 1)] + bn(planes * 4)
            if b == 0 and (stage > 0 or inplanes != planes * expansion):
                shapes += [(planes * expansion, inplanes, 1, 1)] + bn(planes * expansion)
            inplanes = planes * expansion
    shapes += [(1000, 512 * expansion), (1000,)]
    return shapes


def time_ms(fn, reps):
    for _ in range(3):
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
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--m", type=float, default=0.996)
    args = ap.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("torch_ema.py needs a CUDA GPU")
    m, dev = args.m, torch.device("cuda")
    print(f"# {torch.cuda.get_device_name()}  torch {torch.__version__}  m={m}  reps={args.reps}")
    print(f"{'model':<10}{'params':>12}  {'formulation':<18}{'ms':>10}{'GB/s':>10}")
    for depth in (18, 50):
        shapes = resnet_shapes(depth)
        target = [torch.randn(s, device=dev) for s in shapes]
        online = [torch.randn(s, device=dev) for s in shapes]
        n = sum(t.numel() for t in target)
        flat_t, flat_o = torch.randn(n, device=dev), torch.randn(n, device=dev)
        src = torch.empty(n * 3 // 2, device=dev)
        dst = torch.empty_like(src)

        def loop():
            for pt, po in zip(target, online):
                pt.mul_(m).add_(po, alpha=1 - m)

        def foreach_mul_add():
            torch._foreach_mul_(target, m)
            torch._foreach_add_(target, online, alpha=1 - m)

        def foreach_lerp():
            torch._foreach_lerp_(target, online, 1 - m)

        def flat_lerp():
            flat_t.lerp_(flat_o, 1 - m)

        def copy():
            dst.copy_(src)

        with torch.no_grad():
            for name, fn in [("per-param loop", loop), ("foreach mul/add", foreach_mul_add),
                             ("foreach lerp", foreach_lerp), ("flat lerp", flat_lerp), ("d2d copy", copy)]:
                ms = time_ms(fn, args.reps)
                print(f"resnet{depth:<4}{n:>12,}  {name:<18}{ms:>10.4f}{12.0 * n / (ms * 1e6):>10.1f}")


if __name__ == "__main__":
    main()
