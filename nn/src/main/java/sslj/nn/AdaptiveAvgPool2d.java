package sslj.nn;

import sslj.autograd.NnFunctional;
import sslj.autograd.Variable;

/**
 * PyTorch's nn.AdaptiveAvgPool2d for output size 1 only (the one ResNet uses): [N, C, H, W] →
 * [N, C, 1, 1], each channel's mean, keeping the dims as PyTorch does. {@link GlobalAvgPool} gives
 * [N, C] directly.
 */
public final class AdaptiveAvgPool2d extends Module {
    public AdaptiveAvgPool2d(int outputSize) {
        if (outputSize != 1) throw new IllegalArgumentException("AdaptiveAvgPool2d: only output size 1 is supported, got " + outputSize);
    }

    @Override public Variable forward(Variable x) { return NnFunctional.globalAvgPool2d(x); }
}
