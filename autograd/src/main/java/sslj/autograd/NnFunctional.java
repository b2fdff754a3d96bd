package sslj.autograd;

import sslj.autograd.functions.Conv;
import sslj.autograd.functions.Norm;
import sslj.autograd.functions.Pool;
import sslj.tensor.BatchNormOps;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;

/**
 * The convolutional network ops as functions of Variables, like PyTorch's torch.nn.functional: each
 * applies one Function from {@code sslj.autograd.functions} (Conv, Pool, Norm). Layers in the nn module
 * hold the parameters and call these.
 */
public final class NnFunctional {
    private NnFunctional() { }

    /** conv2d with a square kernel: stride, zero padding and dilation the same on both axes; bias may be null. */
    public static Variable conv2d(Variable x, Variable weight, Variable bias, int stride, int padding, int dilation) {
        int[] ws = weight.shape();
        if (ws.length != 4) throw new IllegalArgumentException("conv2d: weight must be [O, C, kh, kw], got rank " + ws.length);
        return conv2d(x, weight, bias, new Window2d(ws[2], ws[3], stride, stride, padding, padding, dilation, dilation));
    }

    /** conv2d over [N, C, H, W] with weight [O, C, kh, kw] (kernel size must match the window) and optional bias [O]. */
    public static Variable conv2d(Variable x, Variable weight, Variable bias, Window2d window) {
        Conv.Conv2d f = new Conv.Conv2d(window);
        return bias == null ? f.apply(x, weight) : f.apply(x, weight, bias);
    }

    /** Max over k×k windows; stride defaults to k in PyTorch, pass it explicitly here. Ties: first maximum. */
    public static Variable maxPool2d(Variable x, int kernel, int stride, int padding) {
        return new Pool.MaxPool2d(Window2d.square(kernel, stride, padding, 1)).apply(x);
    }

    /** Mean over k×k windows, zero padding counted in the divisor (count_include_pad = True). */
    public static Variable avgPool2d(Variable x, int kernel, int stride, int padding) {
        return new Pool.AvgPool2d(Window2d.square(kernel, stride, padding, 1)).apply(x);
    }

    /** [N, C, H, W] → [N, C, 1, 1]: the mean of each channel plane (AdaptiveAvgPool2d(1)). */
    public static Variable globalAvgPool2d(Variable x) {
        if (x.dim() != 4) throw new IllegalArgumentException("globalAvgPool2d: expects [N, C, H, W], got rank " + x.dim());
        return x.mean(new int[] {2, 3}, true);
    }

    /**
     * Batch normalisation over x [N, C, *] (PyTorch's F.batch_norm). In training it normalises with the
     * batch statistics and, when running buffers are given, updates them in place with PyTorch's
     * convention running = (1 − momentum)·running + momentum·batch, using the UNBIASED batch variance
     * (·M/(M − 1)) for running_var even though normalisation uses the biased one. In evaluation it
     * normalises with the running buffers. weight and bias are both given or both null.
     */
    public static Variable batchNorm(Variable x, Variable weight, Variable bias, Tensor runningMean, Tensor runningVar,
                                     boolean training, float momentum, float eps) {
        if ((weight == null) != (bias == null)) throw new IllegalArgumentException("batchNorm: give both weight and bias, or neither");
        if (!training && (runningMean == null || runningVar == null)) {
            throw new IllegalArgumentException("batchNorm: evaluation mode needs running_mean and running_var");
        }
        Norm.BatchNorm f = training ? new Norm.BatchNorm(eps) : new Norm.BatchNorm(eps, runningMean, runningVar);
        Variable y = weight == null ? f.apply(x) : f.apply(x, weight, bias);
        if (training && runningMean != null) {
            BatchNormOps.updateRunning(runningMean, runningVar, f.batchMean(), f.batchVar(), momentum, f.valuesPerChannel());
        }
        return y;
    }

    /**
     * relu(batchNorm(x) + residual) in training mode as one op ({@link Norm.BatchNormRelu}): the batch
     * statistics normalise, the running buffers (when given) are updated as {@link #batchNorm} does;
     * residual (x's shape) may be null. weight and bias are required (a ResNet's batch norms are affine).
     */
    public static Variable batchNormRelu(Variable x, Variable weight, Variable bias, Variable residual, Tensor runningMean, Tensor runningVar,
                                         float momentum, float eps) {
        if (weight == null || bias == null) throw new IllegalArgumentException("batchNormRelu: needs weight and bias (an affine batch norm)");
        Norm.BatchNormRelu f = new Norm.BatchNormRelu(eps);
        Variable y = residual == null ? f.apply(x, weight, bias) : f.apply(x, weight, bias, residual);
        if (runningMean != null) BatchNormOps.updateRunning(runningMean, runningVar, f.batchMean(), f.batchVar(), momentum, f.valuesPerChannel());
        return y;
    }
}
