package sslj.nn.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;
import java.util.function.Supplier;

/**
 * The base of every optimiser: parameter groups, the step loop, and per-parameter state saved by name.
 *
 * <p>{@link #step()} visits every parameter whose gradient is not null, under {@link NoGrad}, and hands
 * it to the subclass's {@link #update}, which writes the new value into {@code p.data()} in place with
 * tensor ops only, so the same code runs on any backend. State tensors (momentum buffers, Adam moments)
 * are created with {@code zerosLike()} / ops on the parameter, so they live on its device, through
 * {@link ParamState#create}, so they outlive the step scope of the update that made them, and are
 * then updated in place ({@code copy_}).
 *
 * <p>State for checkpoints ({@link #state()} / {@link #loadState}) is a flat map of tensors:
 * <pre>
 *   group/0/lr, group/0/weight_decay            rank-0, one pair per group
 *   state/layer1.weight/step                    rank-0, updates applied to that parameter
 *   state/layer1.weight/momentum_buffer         the optimiser's slots, shaped like the parameter
 * </pre>
 * Parameter names come from the groups ({@code model.namedParameters()}); anonymous parameters are
 * named "groupIndex.position".
 */
public abstract class Optimizer {
    /** Steps are stored as float32 in the checkpoint; exact up to 2^24. */
    private static final long MAX_EXACT_STEP = 1L << 24;

    private final List<ParamGroup> groups;
    private final List<List<String>> keys = new ArrayList<>();
    private final Map<String, ParamState> states = new LinkedHashMap<>();

    /** Per-parameter state: the number of updates applied and named slot tensors. */
    protected static final class ParamState {
        long step;
        final Map<String, Tensor> slots = new LinkedHashMap<>();

        /** Updates applied to this parameter, counting the current one. */
        public long step() { return step; }
        /** A slot tensor, or null before it is first created. */
        public Tensor get(String slot) { return slots.get(slot); }
        public void put(String slot, Tensor t) { slots.put(slot, t); }
        /**
         * Makes slot {@code slot} with {@code make} and stores it. The first update usually runs inside a
         * training step's {@link TensorScope}, which would release a slot made there when the step ends;
         * {@code make} runs {@link TensorScope#outside outside} every scope, so the slot lives as long
         * as the optimiser (on the CPU this changes nothing).
         */
        public Tensor create(String slot, Supplier<Tensor> make) {
            Tensor t = TensorScope.outside(make);
            slots.put(slot, t);
            return t;
        }
    }

    /** Groups whose lr / weight decay are unset take {@code defaultLr} / {@code defaultWeightDecay}. */
    protected Optimizer(List<ParamGroup> groups, double defaultLr, double defaultWeightDecay) {
        if (groups == null || groups.isEmpty()) throw new IllegalArgumentException(name() + ": no parameter groups");
        this.groups = List.copyOf(groups);
        Map<Variable, String> seen = new IdentityHashMap<>();
        for (int gi = 0; gi < this.groups.size(); gi++) {
            ParamGroup g = this.groups.get(gi);
            g.applyDefaults(defaultLr, defaultWeightDecay);
            List<String> k = new ArrayList<>();
            for (int i = 0; i < g.size(); i++) {
                String key = g.name(i) != null ? g.name(i) : gi + "." + i;
                if (key.contains("/")) throw new IllegalArgumentException(name() + ": parameter name '" + key + "' must not contain '/'");
                String before = seen.put(g.params().get(i), key);
                if (before != null) throw new IllegalArgumentException(name() + ": parameter '" + key + "' appears twice (also as '" + before + "')");
                if (states.containsKey(key)) throw new IllegalArgumentException(name() + ": two parameters are named '" + key + "'");
                states.put(key, new ParamState());
                k.add(key);
            }
            keys.add(k);
        }
    }

    /**
     * Applies one update to {@code p.data()} in place. Called under NoGrad for each parameter with a
     * gradient; {@code state.step()} has already been advanced (1 on the first update).
     */
    protected abstract void update(ParamGroup group, Variable p, Tensor grad, ParamState state);

    /** The slot names this optimiser keeps per parameter (checked by {@link #loadState}). */
    protected abstract Set<String> slotNames();

    /** The optimiser's name in messages. */
    protected String name() { return getClass().getSimpleName(); }

    // ---------------------------------------------------------------- stepping

    /** One update of every parameter that has a gradient; parameters with a null gradient are skipped. */
    @SuppressWarnings("try")   // the NoGrad scope is used for its effect, not referenced in the body
    public final void step() {
        try (NoGrad ignored = NoGrad.enter()) {
            for (int gi = 0; gi < groups.size(); gi++) {
                ParamGroup g = groups.get(gi);
                for (int i = 0; i < g.size(); i++) {
                    Variable p = g.params().get(i);
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    ParamState st = states.get(keys.get(gi).get(i));
                    st.step++;
                    update(g, p, grad, st);
                }
            }
        }
    }

    /** Forgets every parameter's gradient (set to null, as PyTorch's set_to_none). */
    public final void zeroGrad() {
        for (ParamGroup g : groups) for (Variable p : g.params()) p.zeroGrad();
    }

    // ---------------------------------------------------------------- groups and lr

    public final List<ParamGroup> groups() { return groups; }

    /** Sets every group's lr. */
    public final void setLr(double lr) {
        for (ParamGroup g : groups) g.lr(lr);
    }

    /** Sets group {@code index}'s lr. */
    public final void setLr(int index, double lr) {
        if (index < 0 || index >= groups.size()) throw new IndexOutOfBoundsException(name() + ": group " + index + " of " + groups.size());
        groups.get(index).lr(lr);
    }

    // ---------------------------------------------------------------- state

    /**
     * The optimiser's state by name (see the class comment). Slot tensors are the live buffers, not
     * copies: write them out (or copy them) before the next step.
     */
    public final Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int gi = 0; gi < groups.size(); gi++) {
            out.put("group/" + gi + "/lr", Tensor.scalar((float) groups.get(gi).lr()));
            out.put("group/" + gi + "/weight_decay", Tensor.scalar((float) groups.get(gi).weightDecay()));
        }
        states.forEach((key, st) -> {
            if (st.step == 0) return;
            if (st.step > MAX_EXACT_STEP) throw new IllegalStateException(name() + ": step " + st.step + " of '" + key + "' exceeds 2^24, which float32 state cannot hold exactly");
            out.put("state/" + key + "/step", Tensor.scalar(st.step));
            st.slots.forEach((slot, t) -> out.put("state/" + key + "/" + slot, t));
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * Replaces this optimiser's state with {@code saved} (from {@link #state()} of an optimiser built the
     * same way): group lr and weight decay, and every parameter's step and slots, copied to the
     * parameter's device. Unknown names, wrong shapes and missing groups fail, listing every problem.
     */
    public final void loadState(Map<String, Tensor> saved) {
        List<String> problems = new ArrayList<>();
        Map<String, ParamState> fresh = new LinkedHashMap<>();
        states.keySet().forEach(k -> fresh.put(k, new ParamState()));
        Map<String, Variable> byKey = new LinkedHashMap<>();
        for (int gi = 0; gi < groups.size(); gi++) {
            for (int i = 0; i < groups.get(gi).size(); i++) byKey.put(keys.get(gi).get(i), groups.get(gi).params().get(i));
            for (String h : List.of("lr", "weight_decay")) {
                if (!saved.containsKey("group/" + gi + "/" + h)) problems.add("missing 'group/" + gi + "/" + h + "'");
            }
        }
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            String[] parts = name.split("/", -1);
            if (parts.length == 3 && parts[0].equals("group")) {
                int gi = parseIndex(parts[1]);
                if (gi < 0 || gi >= groups.size() || !(parts[2].equals("lr") || parts[2].equals("weight_decay")) || t.numel() != 1) {
                    problems.add("unexpected '" + name + "'");
                }
            } else if (parts.length == 3 && parts[0].equals("state") && fresh.containsKey(parts[1])) {
                ParamState st = fresh.get(parts[1]);
                Variable p = byKey.get(parts[1]);
                if (parts[2].equals("step")) {
                    if (t.numel() != 1) problems.add("'" + name + "' must hold one number, has shape " + Shape.str(t.shape()));
                    else st.step = (long) t.item();
                } else if (!slotNames().contains(parts[2])) {
                    problems.add("unexpected slot '" + name + "' (" + name() + " keeps " + slotNames() + ")");
                } else if (!java.util.Arrays.equals(t.shape(), p.shape())) {
                    problems.add("'" + name + "' has shape " + Shape.str(t.shape()) + ", the parameter " + Shape.str(p.shape()));
                } else {
                    st.slots.put(parts[2], TensorScope.outside(() -> t.to(p.data().device()).copy()));
                }
            } else {
                problems.add("unexpected '" + name + "'");
            }
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException(name() + ".loadState: " + String.join("; ", problems));
        for (int gi = 0; gi < groups.size(); gi++) {
            groups.get(gi).lr(saved.get("group/" + gi + "/lr").item());
            groups.get(gi).weightDecay(saved.get("group/" + gi + "/weight_decay").item());
        }
        states.clear();
        states.putAll(fresh);
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
