package sslj.nn.contrastive;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;
import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.tensor.Momentum;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;

/**
 * The momentum (EMA) target of an online network: MoCo's key encoder, BYOL's target network.
 * θ_t ← m θ_t + (1 − m) θ_o after every optimiser step (DESIGN.md §4).
 *
 * <ul>
 *   <li>The constructor checks that the two modules have the same parameter and buffer names and shapes,
 *       copies online into target (the target starts equal, as in MoCo and BYOL) and turns gradient
 *       tracking off on the target's parameters (it is never trained).</li>
 *   <li>{@link #update(float)}: when each module's parameters are back-to-back contiguous views of one
 *       flat tensor (a packed parameter arena: same storage, each contiguous, offset_{i+1} = offset_i +
 *       numel_i, in {@link Module#namedParameters()} order), the whole network is ONE backend call
 *       ({@link Momentum#ema}) over the two flat ranges; otherwise one call per parameter pair. The
 *       layout is re-checked on every update, so moving a module off its arena falls back safely.</li>
 *   <li>Buffers (batch norm's running statistics) are COPIED from online to target, not averaged: the
 *       target then normalises with the online statistics, as BYOL's reference implementation does
 *       for its target network's state. (MoCo's official code updates parameters only; copying is the
 *       deterministic choice when the target runs in train mode and recomputes batch statistics anyway.)</li>
 *   <li>The momentum is a float per call. For a schedule (BYOL's and MoCo v3's cosine
 *       m_k = 1 − (1 − m₀)(cos(πk/K) + 1)/2) pass a {@link LongToDoubleFunction} of the step to
 *       {@link #withSchedule} and call {@link #step()}; the schedule itself is the optimiser package's
 *       {@code MomentumSchedule.cosine} (sslj.nn.optim), not duplicated here.</li>
 * </ul>
 */
public final class EmaUpdate {
    private final List<Variable> onlineParams = new ArrayList<>(), targetParams = new ArrayList<>();
    private final Module onlineModule, targetModule;
    private LongToDoubleFunction schedule;
    private long step;
    private boolean lastFused;

    /** Pairs {@code online} with its EMA {@code target} (structurally identical) and copies online into target. */
    public EmaUpdate(Module online, Module target) {
        this.onlineModule = online;
        this.targetModule = target;
        Map<String, Variable> po = online.namedParameters(), pt = target.namedParameters();
        List<String> problems = new ArrayList<>();
        if (!po.keySet().equals(pt.keySet())) problems.add("parameter names differ: online " + po.keySet() + ", target " + pt.keySet());
        if (!online.namedBuffers().keySet().equals(target.namedBuffers().keySet())) {
            problems.add("buffer names differ: online " + online.namedBuffers().keySet() + ", target " + target.namedBuffers().keySet());
        }
        if (problems.isEmpty()) {
            for (Map.Entry<String, Variable> e : po.entrySet()) {
                Variable t = pt.get(e.getKey());
                if (!Arrays.equals(e.getValue().shape(), t.shape())) {
                    problems.add("'" + e.getKey() + "' has shape " + Shape.str(e.getValue().shape()) + " online, " + Shape.str(t.shape()) + " target");
                } else if (!e.getValue().data().device().equals(t.data().device())) {
                    problems.add("'" + e.getKey() + "' is on " + e.getValue().data().device() + " online, " + t.data().device() + " target");
                }
            }
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException("EmaUpdate: online and target modules differ: " + String.join("; ", problems));
        for (Map.Entry<String, Variable> e : po.entrySet()) {
            onlineParams.add(e.getValue());
            Variable t = pt.get(e.getKey());
            if (t.data().storage() == e.getValue().data().storage()) {
                throw new IllegalArgumentException("EmaUpdate: '" + e.getKey() + "' shares storage between online and target (use two separate modules)");
            }
            t.requiresGrad(false);
            targetParams.add(t);
        }
        copyAll();
    }

    /** Re-copies every online parameter and buffer into the target (the initial state). */
    public void copyAll() {
        for (int i = 0; i < onlineParams.size(); i++) targetParams.get(i).data().copy_(onlineParams.get(i).data());
        copyBuffers();
    }

    /** θ_t ← m θ_t + (1 − m) θ_o over all parameters, then buffers copied; m ∈ [0, 1]. */
    public void update(float m) {
        Momentum.checkMomentum("EmaUpdate.update", m);
        Tensor ft = flat(targetParams), fo = flat(onlineParams);
        lastFused = ft != null && fo != null;
        if (lastFused) {
            Momentum.ema(ft, fo, m);
        } else {
            for (int i = 0; i < onlineParams.size(); i++) Momentum.ema(targetParams.get(i).data(), onlineParams.get(i).data(), m);
        }
        copyBuffers();
        step++;
    }

    /** Uses {@code schedule} (step → m) for {@link #step()}, e.g. the optimiser package's MomentumSchedule.cosine. */
    public EmaUpdate withSchedule(LongToDoubleFunction schedule) {
        this.schedule = schedule;
        return this;
    }

    /** One update with the scheduled momentum of the current step; returns the m used. */
    public float step() {
        if (schedule == null) throw new IllegalStateException("EmaUpdate.step: no schedule; call withSchedule(...) or use update(m)");
        float m = (float) schedule.applyAsDouble(step);
        update(m);
        return m;
    }

    /** Updates done so far (the schedule's k). */
    public long steps() { return step; }

    /** Sets the step counter (resuming from a checkpoint). */
    public void setSteps(long k) { this.step = k; }

    /** Whether the last {@link #update} was one fused call over two flat arenas. */
    public boolean lastUpdateFused() { return lastFused; }

    public Module online() { return onlineModule; }

    public Module target() { return targetModule; }

    private void copyBuffers() {
        Map<String, Tensor> bo = onlineModule.namedBuffers(), bt = targetModule.namedBuffers();
        for (Map.Entry<String, Tensor> e : bo.entrySet()) bt.get(e.getKey()).copy_(e.getValue());
    }

    /** One flat view over the parameters when they lie back to back in one storage, else null. */
    static Tensor flat(List<Variable> params) {
        if (params.isEmpty()) return null;
        Tensor first = params.get(0).data();
        long next = first.offset(), total = 0;
        for (Variable p : params) {
            Tensor d = p.data();
            if (d.storage() != first.storage() || !d.isContiguous() || d.offset() != next) return null;
            next += d.numel();
            total += d.numel();
        }
        if (total > Integer.MAX_VALUE) return null;
        return new Tensor(first.storage(), new int[] {(int) total}, new int[] {1}, first.offset());
    }
}
