package sslj.nn;

/** Batch normalisation of [N, C, H, W] feature maps, statistics per channel over N·H·W; see {@link BatchNorm}. */
public final class BatchNorm2d extends BatchNorm {
    /** eps 1e-5, momentum 0.1, affine: PyTorch's defaults. */
    public BatchNorm2d(int channels) { this(channels, 1e-5f, 0.1f, true); }

    public BatchNorm2d(int channels, float eps, float momentum, boolean affine) { super(channels, eps, momentum, affine); }

    @Override protected boolean acceptsRank(int rank) { return rank == 4; }

    @Override protected String layouts() { return "[N, C, H, W]"; }
}
