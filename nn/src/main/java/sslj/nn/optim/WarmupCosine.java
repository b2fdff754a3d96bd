package sslj.nn.optim;

/**
 * Linear warmup, then cosine decay, per step (Goyal et al. 2017 for the warmup; Loshchilov and Hutter
 * 2017, SGDR, for the cosine; SimCLR: 10 warmup epochs then cosine, DESIGN.md §6):
 * <pre>
 *   lr(k) = start + (base − start)·k / W                        for k &lt; W    (warmup steps W)
 *   lr(k) = final + (base − final)·(1 + cos(π·(k − W)/(K − W)))/2   for W ≤ k ≤ K  (total steps K)
 *   lr(k) = final                                                for k &gt; K
 * </pre>
 * So lr(0) = start (0 by default), lr(W) = base, lr((W + K)/2) = (base + final)/2, lr(K) = final.
 */
public final class WarmupCosine implements Schedule {
    private final double base, start, end;
    private final long warmup, total;

    /** Warmup from 0 to {@code baseLr} over {@code warmupSteps}, cosine to 0 at {@code totalSteps}. */
    public WarmupCosine(double baseLr, long warmupSteps, long totalSteps) { this(baseLr, warmupSteps, totalSteps, 0, 0); }

    public WarmupCosine(double baseLr, long warmupSteps, long totalSteps, double finalLr) { this(baseLr, warmupSteps, totalSteps, finalLr, 0); }

    public WarmupCosine(double baseLr, long warmupSteps, long totalSteps, double finalLr, double startLr) {
        this.base = Check.nonNegative("baseLr", baseLr);
        this.end = Check.nonNegative("finalLr", finalLr);
        this.start = Check.nonNegative("startLr", startLr);
        if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        if (totalSteps < warmupSteps) throw new IllegalArgumentException("totalSteps (" + totalSteps + ") must be >= warmupSteps (" + warmupSteps + ")");
        this.warmup = warmupSteps;
        this.total = totalSteps;
    }

    @Override
    public double at(long k) {
        if (k < 0) throw new IllegalArgumentException("step must be >= 0, got " + k);
        if (k < warmup) return start + (base - start) * k / warmup;
        if (k >= total) return total == warmup ? base : end;  // no decay phase: stay at base
        double progress = (double) (k - warmup) / (total - warmup);
        return end + (base - end) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
}
