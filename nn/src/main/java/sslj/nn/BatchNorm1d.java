package sslj.nn;

/** Batch normalisation of [N, C] features (as in SimCLR/BYOL heads) or [N, C, L] sequences; see {@link BatchNorm}. */
public final class BatchNorm1d extends BatchNorm {
    /** eps 1e-5, momentum 0.1, affine: PyTorch's defaults. */
    public BatchNorm1d(int features) { this(features, 1e-5f, 0.1f, true); }

    public BatchNorm1d(int features, float eps, float momentum, boolean affine) { super(features, eps, momentum, affine); }

    @Override protected boolean acceptsRank(int rank) { return rank == 2 || rank == 3; }

    @Override protected String layouts() { return "[N, C] or [N, C, L]"; }
}
