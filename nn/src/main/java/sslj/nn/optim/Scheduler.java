package sslj.nn.optim;

/**
 * Sets the learning rate of every group of an {@link Optimizer} from a {@link Schedule}, once per
 * training step: group lr = schedule(k) · group {@link ParamGroup#lrScale() lrScale}.
 *
 * <p>As PyTorch's LR schedulers: building it sets the lr for step 0; call {@link #step()} after each
 * {@code optimizer.step()} to move to the next step's lr.
 * <pre>
 *   for (...) { loss.backward(); opt.step(); opt.zeroGrad(); sched.step(); }
 * </pre>
 * Its only state is the step counter ({@link #stepCount()} / {@link #setStepCount} for checkpoints).
 */
public final class Scheduler {
    private final Optimizer optimizer;
    private final Schedule schedule;
    private long step;

    public Scheduler(Optimizer optimizer, Schedule schedule) {
        if (optimizer == null || schedule == null) throw new IllegalArgumentException("Scheduler: optimizer and schedule must not be null");
        this.optimizer = optimizer;
        this.schedule = schedule;
        apply();
    }

    /** Advances to the next step and sets its lr. */
    public void step() {
        step++;
        apply();
    }

    /** The number of {@link #step()} calls so far: the step whose lr is set now. */
    public long stepCount() { return step; }

    /** Jumps to step {@code k} (a resumed run) and sets its lr. */
    public void setStepCount(long k) {
        if (k < 0) throw new IllegalArgumentException("setStepCount: step must be >= 0, got " + k);
        step = k;
        apply();
    }

    /** The scheduled value at the current step, before group scales. */
    public double currentValue() { return schedule.at(step); }

    private void apply() {
        double lr = schedule.at(step);
        for (ParamGroup g : optimizer.groups()) g.lr(lr * g.lrScale());
    }
}
