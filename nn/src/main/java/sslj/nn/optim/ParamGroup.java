package sslj.nn.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sslj.autograd.Variable;
import sslj.nn.Module;

/**
 * A set of parameters that share optimiser settings (PyTorch's {@code param_groups} entry): a learning
 * rate, a weight decay, an lr multiplier for schedules, and the {@link #excluded()} flag.
 *
 * <p>Settings left unset (lr, weight decay) take the optimiser's defaults when the optimiser is built,
 * as in PyTorch. Parameters carry names (a Module's dotted names) so that optimiser state is saved by
 * name; anonymous parameters ({@link #of(Variable...)}) get the name "groupIndex.position".
 *
 * <p>The SimCLR/BYOL convention ({@link #decayAndNoDecay}): weights of linear and conv layers are
 * decayed and LARS-adapted; biases and every 1-d parameter (batch norm, layer norm scales) are
 * {@link #excluded()}: no weight decay, no LARS trust ratio (SimCLR's {@code exclude_from_weight_decay}
 * and {@code exclude_from_layer_adaptation}, BYOL's {@code exclude_bias_from_adaption}).
 */
public final class ParamGroup {
    private final List<String> names;     // null entries: anonymous
    private final List<Variable> params;
    private double lr = Double.NaN;        // NaN: take the optimiser's default
    private double weightDecay = Double.NaN;
    private double lrScale = 1.0;
    private boolean excluded;

    private ParamGroup(List<String> names, List<Variable> params) {
        this.names = names;
        this.params = params;
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) == null) throw new IllegalArgumentException("ParamGroup: parameter " + i + " is null");
            if (!params.get(i).isLeaf()) throw new IllegalArgumentException("ParamGroup: parameter " + describe(i) + " is not a leaf (made by an op); optimise leaves only");
        }
    }

    /** Anonymous parameters. */
    public static ParamGroup of(Variable... params) { return of(List.of(params)); }

    /** Anonymous parameters. */
    public static ParamGroup of(List<Variable> params) {
        return new ParamGroup(new ArrayList<>(Collections.nCopies(params.size(), (String) null)), new ArrayList<>(params));
    }

    /** Named parameters, e.g. {@code model.namedParameters()}. */
    public static ParamGroup of(Map<String, Variable> named) {
        return new ParamGroup(new ArrayList<>(named.keySet()), new ArrayList<>(named.values()));
    }

    /** Every parameter of {@code model} in one group. */
    public static List<ParamGroup> all(Module model) { return List.of(of(model.namedParameters())); }

    /**
     * Two groups: "decay" (parameters of rank ≥ 2 not named *bias) and "no decay" (biases and 1-d
     * parameters, marked {@link #excluded()} with weight decay 0). The decay group takes the optimiser's
     * default weight decay.
     */
    public static List<ParamGroup> decayAndNoDecay(Module model) {
        Map<String, Variable> decay = new LinkedHashMap<>(), noDecay = new LinkedHashMap<>();
        model.namedParameters().forEach((n, p) -> (isNoDecay(n, p) ? noDecay : decay).put(n, p));
        return List.of(of(decay), of(noDecay).weightDecay(0).excluded(true));
    }

    /** The rule of {@link #decayAndNoDecay}: a bias, or any parameter of rank ≤ 1. */
    public static boolean isNoDecay(String name, Variable p) {
        return name.equals("bias") || name.endsWith(".bias") || p.dim() <= 1;
    }

    // ---------------------------------------------------------------- settings (fluent)

    /** Learning rate, ≥ 0. */
    public ParamGroup lr(double lr) {
        this.lr = Check.nonNegative("lr", lr);
        return this;
    }

    /** L2 / decoupled weight decay, ≥ 0. */
    public ParamGroup weightDecay(double wd) {
        this.weightDecay = Check.nonNegative("weightDecay", wd);
        return this;
    }

    /** Multiplier a {@link Scheduler} applies to the scheduled lr for this group (default 1). */
    public ParamGroup lrScale(double scale) {
        this.lrScale = Check.nonNegative("lrScale", scale);
        return this;
    }

    /** Excluded from LARS adaptation and weight decay (biases, normalisation parameters). */
    public ParamGroup excluded(boolean on) {
        this.excluded = on;
        return this;
    }

    public double lr() { return lr; }
    public double weightDecay() { return weightDecay; }
    public double lrScale() { return lrScale; }
    public boolean excluded() { return excluded; }
    public List<Variable> params() { return Collections.unmodifiableList(params); }
    public int size() { return params.size(); }

    /** The given name of parameter {@code i}, or null when anonymous. */
    String name(int i) { return names.get(i); }

    /** Fills unset lr / weight decay from the optimiser's defaults (called once by {@link Optimizer}). */
    void applyDefaults(double defaultLr, double defaultWeightDecay) {
        if (Double.isNaN(lr)) lr = Check.nonNegative("lr", defaultLr);
        if (Double.isNaN(weightDecay)) weightDecay = Check.nonNegative("weightDecay", defaultWeightDecay);
    }

    private String describe(int i) { return names.get(i) != null ? "'" + names.get(i) + "'" : "#" + i; }
}
