package sslj.kernels.ops;

import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;

/**
 * Launchers for the fused optimiser steps (resources /sslj/kernels/ptx/optim.ptx): the LARS update of
 * one parameter (You, Gitman and Ginsburg 2017, Algorithm 1) in two launches, its two norms and then
 * the elementwise step, where the same maths written with tensor ops costs ~25 launches (GPU run 14: a
 * step of SimCLR spent 852 of its ~1,500 launches in LARS, and the host's launches set the pace); and
 * SGD with momentum (MoCo, InstDisc, the supervised baseline) in one launch where it took ~9, and AdamW
 * (MoCo v3's ViT, CLIP) in one where it took ~15. The
 * maths, the rounding and the launch shapes are documented in the .ptx file.
 */
public final class OptimizerKernels {
    public static final String MODULE = "/sslj/kernels/ptx/optim.ptx";

    /** Threads of the one block that sums the squares; threads per block of the update, and its most blocks. */
    static final int NORM_BLOCK = 512, UPDATE_BLOCK = 256, UPDATE_MAX_GRID = 8192;

    private final GpuRuntime rt;
    private final GpuKernel norms, update, sgd, adamW;

    public OptimizerKernels(GpuRuntime rt) {
        this.rt = rt;
        GpuModule module = rt.loadModule(MODULE);
        this.norms = rt.kernel(module, "larsNorms");
        this.update = rt.kernel(module, "larsUpdate");
        this.sgd = rt.kernel(module, "sgdUpdate");
        this.adamW = rt.kernel(module, "adamWUpdate");
    }

    /**
     * One AdamW step on n floats in one launch, in place on theta, m and v, with the host's scalars (see
     * adamWUpdate in optim.ptx: decay = 1 − lr·wd, stepSize = lr / (1 − β₁ᵗ), sqrtBc2 = √(1 − β₂ᵗ)).
     */
    public void adamW(DevicePtr theta, DevicePtr grad, DevicePtr m, DevicePtr v, int n, float decay, float beta1, float oneMinusBeta1,
                      float beta2, float oneMinusBeta2, float sqrtBiasCorrection2, float eps, float stepSize) {
        if (n < 0) throw new IllegalArgumentException("adamW: n=" + n + " < 0");
        checkRange("theta", theta, n);
        checkRange("grad", grad, n);
        checkRange("m", m, n);
        checkRange("v", v, n);
        DevicePtr[] all = {theta, grad, m, v};
        String[] names = {"theta", "grad", "m", "v"};
        for (int a = 0; a < all.length; a++) {
            for (int b = a + 1; b < all.length; b++) checkDisjoint(names[a], all[a], names[b], all[b], n);
        }
        if (n == 0) return;
        int grid = (int) Math.max(1, Math.min(UPDATE_MAX_GRID, (n + (long) UPDATE_BLOCK - 1) / UPDATE_BLOCK));
        rt.launch(adamW, Dim3.of(grid), Dim3.of(UPDATE_BLOCK), 0, KernelArgs.of().ptr(theta).ptr(grad).ptr(m).ptr(v).i32(n)
                .f32(decay).f32(beta1).f32(oneMinusBeta1).f32(beta2).f32(oneMinusBeta2).f32(sqrtBiasCorrection2).f32(eps).f32(stepSize));
    }

    /**
     * One SGD step on n floats in one launch, in place on theta and (when momentum != 0) buf: torch.optim.SGD's
     * rule with momentum, dampening, weight decay and Nesterov; {@code first} sets buf to the decayed
     * gradient instead of reading it. buf may be null when momentum is 0. No two arrays may overlap.
     */
    public void sgd(DevicePtr theta, DevicePtr grad, DevicePtr buf, int n, float lr, float momentum, float dampening,
                    float weightDecay, boolean nesterov, boolean first) {
        if (n < 0) throw new IllegalArgumentException("sgd: n=" + n + " < 0");
        checkRange("theta", theta, n);
        checkRange("grad", grad, n);
        checkDisjoint("theta", theta, "grad", grad, n);
        if (momentum != 0) {
            checkRange("buf", buf, n);
            checkDisjoint("theta", theta, "buf", buf, n);
            checkDisjoint("grad", grad, "buf", buf, n);
        }
        if (n == 0) return;
        int grid = (int) Math.max(1, Math.min(UPDATE_MAX_GRID, (n + (long) UPDATE_BLOCK - 1) / UPDATE_BLOCK));
        rt.launch(sgd, Dim3.of(grid), Dim3.of(UPDATE_BLOCK), 0, KernelArgs.of().ptr(theta).ptr(grad)
                .ptr(momentum != 0 ? buf : theta)   // not read without momentum
                .i32(n).f32(lr).f32(momentum).f32(dampening).f32(weightDecay).i32(nesterov ? 1 : 0).i32(first ? 1 : 0));
    }

    /**
     * One LARS step on n floats, in place on theta and v: with {@code adapt}, first the squared norms of
     * theta and grad into {@code scratch} (2 floats), then the update; without, the update alone (an
     * excluded parameter: no trust ratio, no weight decay). theta, grad and v must not overlap.
     */
    public void lars(DevicePtr theta, DevicePtr grad, DevicePtr v, DevicePtr scratch, int n,
                     float lr, float momentum, float weightDecay, float trust, float eps, boolean adapt) {
        if (n < 0) throw new IllegalArgumentException("lars: n=" + n + " < 0");
        checkRange("theta", theta, n);
        checkRange("grad", grad, n);
        checkRange("v", v, n);
        checkDisjoint("theta", theta, "grad", grad, n);
        checkDisjoint("theta", theta, "v", v, n);
        checkDisjoint("grad", grad, "v", v, n);
        if (adapt) checkRange("scratch", scratch, 2);
        if (n == 0) return;
        if (adapt) rt.launch(norms, Dim3.of(1), Dim3.of(NORM_BLOCK), 0, KernelArgs.of().ptr(theta).ptr(grad).i32(n).ptr(scratch));
        int grid = (int) Math.max(1, Math.min(UPDATE_MAX_GRID, (n + (long) UPDATE_BLOCK - 1) / UPDATE_BLOCK));
        rt.launch(update, Dim3.of(grid), Dim3.of(UPDATE_BLOCK), 0, KernelArgs.of().ptr(theta).ptr(grad).ptr(v)
                .ptr(adapt ? scratch : theta)   // not read without adapt
                .i32(n).f32(lr).f32(momentum).f32(weightDecay).f32(trust).f32(eps).i32(adapt ? 1 : 0));
    }

    private static void checkRange(String what, DevicePtr p, long floats) {
        if (p == null) throw new IllegalArgumentException("optimizer step: " + what + " is null");
        if ((p.address() & 3) != 0) throw new IllegalArgumentException(String.format("optimizer step: %s pointer 0x%x is not 4-byte aligned", what, p.address()));
        if (p.bytes() < 4 * floats) {
            throw new IllegalArgumentException("optimizer step: " + what + " needs " + 4 * floats + " bytes (" + floats + " floats) but its allocation has "
                    + p.bytes() + " bytes from that pointer");
        }
    }

    private static void checkDisjoint(String an, DevicePtr a, String bn, DevicePtr b, long floats) {
        long x = a.address(), y = b.address(), bytes = 4 * floats;
        if (bytes > 0 && x < y + bytes && y < x + bytes) {
            throw new IllegalArgumentException(String.format("optimizer step: %s [0x%x] and %s [0x%x] overlap", an, x, bn, y));
        }
    }
}
