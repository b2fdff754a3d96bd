package sslj.nn.optim;

/**
 * A value as a function of the training step: a learning rate ({@link WarmupCosine}) or an EMA
 * momentum ({@link MomentumSchedule}). Pure: the same step always gives the same value, so a resumed
 * run needs only the step counter.
 */
@FunctionalInterface
public interface Schedule {
    /** The value at step {@code step} (0 is the first update). */
    double at(long step);

    /** A constant value. */
    static Schedule constant(double value) { return step -> value; }
}
