package sslj.nn;

import sslj.autograd.NnFunctional;
import sslj.autograd.Variable;

/**
 * Max over k×k windows of [N, C, H, W] (PyTorch's nn.MaxPool2d, dilation 1, floor mode). Padding is
 * −∞ and at most k/2. On ties the gradient goes to the first maximum of the window in row-major order.
 */
public final class MaxPool2d extends Module {
    private final int kernel, stride, padding;

    /** stride = kernel, no padding: PyTorch's defaults. */
    public MaxPool2d(int kernel) { this(kernel, kernel, 0); }

    public MaxPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override public Variable forward(Variable x) { return NnFunctional.maxPool2d(x, kernel, stride, padding); }
}
