package sslj.tensor;

/**
 * The geometry of a sliding 2-d window over the last two dims of an [N, C, H, W] tensor: the shared
 * description of a convolution's or a pooling layer's receptive field (kernel, stride, zero padding,
 * dilation, each per axis as in PyTorch's {@code (kH, kW)} pairs).
 *
 * <p>A window at output position (oh, ow) reads input rows oh·strideH − padH + i·dilH for i in [0, kh)
 * and likewise for columns, so the output size is
 * {@code out = floor((in + 2·pad − dil·(k − 1) − 1) / stride) + 1} (PyTorch's Conv2d formula).
 */
public record Window2d(int kh, int kw, int strideH, int strideW, int padH, int padW, int dilH, int dilW) {
    public Window2d {
        if (kh < 1 || kw < 1) throw new IllegalArgumentException("window: kernel must be >= 1, got " + kh + "x" + kw);
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("window: stride must be >= 1, got " + strideH + "x" + strideW);
        if (dilH < 1 || dilW < 1) throw new IllegalArgumentException("window: dilation must be >= 1, got " + dilH + "x" + dilW);
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("window: padding must be >= 0, got " + padH + "x" + padW);
    }

    /** A square window: the same kernel, stride, padding and dilation on both axes. */
    public static Window2d square(int kernel, int stride, int padding, int dilation) {
        return new Window2d(kernel, kernel, stride, stride, padding, padding, dilation, dilation);
    }

    /** Number of window positions along the height of an input of height {@code h}. */
    public int outH(int h) { return out(h, kh, strideH, padH, dilH); }

    /** Number of window positions along the width of an input of width {@code w}. */
    public int outW(int w) { return out(w, kw, strideW, padW, dilW); }

    /** kh · kw: the number of input pixels one window reads per channel. */
    public int area() { return kh * kw; }

    private static int out(int in, int k, int stride, int pad, int dil) {
        int span = dil * (k - 1) + 1;             // the extent of a dilated kernel
        return in + 2 * pad < span ? 0 : (in + 2 * pad - span) / stride + 1;
    }

    @Override public String toString() {
        return "kernel " + kh + "x" + kw + ", stride " + strideH + "x" + strideW + ", padding " + padH + "x" + padW
                + ", dilation " + dilH + "x" + dilW;
    }
}
