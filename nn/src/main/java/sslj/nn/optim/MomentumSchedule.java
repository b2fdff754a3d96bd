package sslj.nn.optim;

/**
 * Schedules for the momentum of an EMA target network: BYOL's cosine increase from τ_base to 1
 * (Grill et al. 2020, section 3.2: τ = 1 − (1 − τ_base)(cos(πk/K) + 1)/2), also used by MoCo v3.
 */
public final class MomentumSchedule {
    private MomentumSchedule() { }

    /**
     * BYOL's cosine increase (Grill et al. 2020, §3.2; MoCo v3 uses it from 0.99):
     * <pre>
     *   m(k) = m_final − (m_final − m₀)·(cos(π·k/K) + 1)/2,    k clamped to [0, K]
     * </pre>
     * with m_final = 1 this is BYOL's τ = 1 − (1 − τ_base)(cos(πk/K) + 1)/2: m(0) = m₀, m(K) = 1.
     */
    public static Schedule cosine(double base, double end, long totalSteps) {
        Check.unitClosed("base", base);
        Check.unitClosed("final", end);
        if (totalSteps <= 0) throw new IllegalArgumentException("totalSteps must be > 0, got " + totalSteps);
        return k -> {
            if (k < 0) throw new IllegalArgumentException("step must be >= 0, got " + k);
            double t = (double) Math.min(k, totalSteps) / totalSteps;
            return end - (end - base) * (Math.cos(Math.PI * t) + 1) / 2;
        };
    }

    /** {@link #cosine(double, double, long)} rising to 1. */
    public static Schedule cosine(double base, long totalSteps) { return cosine(base, 1.0, totalSteps); }
}
