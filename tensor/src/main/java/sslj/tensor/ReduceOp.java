package sslj.tensor;

/** Reductions over a set of dimensions. */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN,
    /** log Σ exp(x), computed as m + log Σ exp(x − m) with m the maximum, so it never overflows. */
    LOGSUMEXP
}
