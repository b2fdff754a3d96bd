package sslj.nn;

import sslj.autograd.NnFunctional;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Window2d;

/**
 * 2-d convolution over [N, C, H, W] (groups = 1), as PyTorch's nn.Conv2d: parameters "weight"
 * [out, in, kh, kw] and optionally "bias" [out], both initialised with PyTorch's default
 * U(−1/√fan_in, 1/√fan_in), fan_in = in·kh·kw. Output size per axis:
 * floor((in + 2·padding − dilation·(k − 1) − 1) / stride) + 1. The maths is in
 * {@link sslj.autograd.functions.Conv.Conv2d} (im2col + GEMM).
 */
public final class Conv2d extends Module {
    private final Window2d window;
    private final int inChannels, outChannels;
    private final Variable weight, bias;

    /** A k×k convolution, stride 1, no padding, with bias. */
    public Conv2d(int in, int out, int kernel, Generator gen) {
        this(in, out, kernel, 1, 0, 1, true, gen);
    }

    /** A square-kernel convolution. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, boolean bias, Generator gen) {
        this(in, out, Window2d.square(kernel, stride, padding, dilation), bias, gen);
    }

    /** Any window, including non-square kernels, strides, paddings and dilations. */
    public Conv2d(int in, int out, Window2d window, boolean bias, Generator gen) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Conv2d: channels must be >= 1, got in=" + in + " out=" + out);
        this.window = window;
        this.inChannels = in;
        this.outChannels = out;
        int fanIn = in * window.area();
        this.weight = registerParameter("weight", Init.defaultWeight(gen, fanIn, out, in, window.kh(), window.kw()));
        this.bias = bias ? registerParameter("bias", Init.defaultBias(gen, fanIn, out)) : null;
    }

    @Override public Variable forward(Variable x) {
        if (x.dim() != 4 || x.size(1) != inChannels) {
            throw new IllegalArgumentException("Conv2d(" + inChannels + " → " + outChannels + "): expects [N, " + inChannels
                    + ", H, W], got " + sslj.tensor.Shape.str(x.shape()));
        }
        return NnFunctional.conv2d(x, weight, bias, window);
    }

    public Variable weight() { return weight; }

    /** The bias, or null when built without one. */
    public Variable bias() { return bias; }

    public Window2d window() { return window; }

    public int inChannels() { return inChannels; }

    public int outChannels() { return outChannels; }
}
