package sslj.nn;

import sslj.autograd.NnFunctional;
import sslj.autograd.Variable;

/**
 * Mean over k×k windows of [N, C, H, W] (PyTorch's nn.AvgPool2d, floor mode). Zero padding counts in
 * the divisor, which is always k·k (count_include_pad = True, PyTorch's default).
 */
public final class AvgPool2d extends Module {
    private final int kernel, stride, padding;

    /** stride = kernel, no padding: PyTorch's defaults. */
    public AvgPool2d(int kernel) { this(kernel, kernel, 0); }

    public AvgPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override public Variable forward(Variable x) { return NnFunctional.avgPool2d(x, kernel, stride, padding); }
}
