package sslj.nn.optim;

/** Argument checks shared by the optimisers and schedules; each error names the argument and its value. */
final class Check {
    private Check() { }

    /** A finite number ≥ 0. */
    static double nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + v);
        return v;
    }

    /** A finite number > 0. */
    static double positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
        return v;
    }

    /** A number in [0, 1): momentum and Adam's betas. */
    static double unitOpen(String name, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
        return v;
    }

    /** A number in [0, 1]. */
    static double unitClosed(String name, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
        return v;
    }
}
