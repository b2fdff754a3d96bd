/**
 * Optimisers, schedules, gradient clipping and training checkpoints.
 *
 * <ul>
 *   <li>{@link sslj.nn.optim.SGD}, {@link sslj.nn.optim.LARS}, {@link sslj.nn.optim.AdamW}: each one
 *       short file with its paper's update rule in the class comment; all extend
 *       {@link sslj.nn.optim.Optimizer} and update parameters in place with tensor ops under NoGrad,
 *       so they run unchanged on any backend.</li>
 *   <li>{@link sslj.nn.optim.ParamGroup}: per-group lr, weight decay, lr scale and the LARS/decay
 *       exclusion; {@link sslj.nn.optim.ParamGroup#decayAndNoDecay} splits a model SimCLR/BYOL-style.</li>
 *   <li>{@link sslj.nn.optim.WarmupCosine}, {@link sslj.nn.optim.MomentumSchedule} (pure functions of
 *       the step) and {@link sslj.nn.optim.Scheduler}, which applies a schedule to an optimiser.</li>
 *   <li>{@link sslj.nn.optim.GradClip#clipGradNorm}: global-norm clipping.</li>
 *   <li>{@link sslj.nn.optim.Checkpoint}: model, optimiser, scheduler step, counters and RNG offset in
 *       a directory, written through a {@link sslj.nn.optim.TensorStore}.</li>
 * </ul>
 *
 * A SimCLR-style loop:
 * <pre>
 *   LARS opt = new LARS(ParamGroup.decayAndNoDecay(model), 0.3 * batch / 256, 1e-6);
 *   Scheduler sched = new Scheduler(opt, new WarmupCosine(0.3 * batch / 256, 10 * stepsPerEpoch, epochs * stepsPerEpoch));
 *   for (...) {
 *       loss.backward();
 *       opt.step();
 *       opt.zeroGrad();
 *       sched.step();
 *   }
 *   new Checkpoint().save(dir, model, opt, sched, rng, epoch, step);
 * </pre>
 */
package sslj.nn.optim;
