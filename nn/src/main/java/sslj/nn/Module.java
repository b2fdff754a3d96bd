package sslj.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sslj.autograd.Variable;
import sslj.tensor.Device;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * A piece of a network: named parameters (trainable leaves), named buffers (state that is saved but not
 * trained, such as batch norm's running statistics) and named child modules, as in PyTorch's nn.Module.
 *
 * <p>Names are stable and recursive, "layer1.0.conv1.weight", so a state saved here loads in PyTorch
 * and back (see {@code SafeTensors}). A layer keeps the {@link Variable}s it registered in fields and
 * uses them in {@link #forward}; moving parameters (into an arena, to a device) replaces their data in
 * place with {@link Variable#setData}, so those fields stay valid. Buffers are read through
 * {@link #buffer} for the same reason.
 */
public abstract class Module {
    private final Map<String, Variable> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The module's computation on one input. */
    public abstract Variable forward(Variable x);

    // ---------------------------------------------------------------- registration (by subclasses)

    /** Registers a trainable parameter initialised to {@code init}; returns its Variable. */
    protected final Variable registerParameter(String name, Tensor init) {
        checkName(name);
        Variable p = Variable.param(init);
        params.put(name, p);
        return p;
    }

    /** Registers a buffer (saved with the state, never trained). */
    protected final void registerBuffer(String name, Tensor init) {
        checkName(name);
        buffers.put(name, init);
    }

    /** Registers a child module under {@code name}; returns it. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    /** The current value of one of this module's own buffers. */
    protected final Tensor buffer(String name) {
        Tensor b = buffers.get(name);
        if (b == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": no buffer named '" + name + "'");
        return b;
    }

    /**
     * Sets one of this module's own buffers (same shape) to {@code value}, e.g. a running statistic after
     * a step. The value is copied IN PLACE into the existing buffer (on the buffer's device): the buffer
     * was made outside the step scopes and must stay so, while {@code value} is usually a step
     * temporary that the step's {@link TensorScope} releases.
     */
    protected final void setBuffer(String name, Tensor value) {
        Tensor old = buffer(name);
        if (!Arrays.equals(old.shape(), value.shape())) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": buffer '" + name + "' has shape " + Shape.str(old.shape())
                    + ", got " + Shape.str(value.shape()));
        }
        old.copy_(value.device().equals(old.device()) ? value : value.to(old.device()));
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad name '" + name + "': non-empty, without dots");
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' registered twice");
        }
    }

    // ---------------------------------------------------------------- traversal

    /** Every parameter of this module and its descendants, by dotted name, in registration order. */
    public final Map<String, Variable> namedParameters() {
        Map<String, Variable> out = new LinkedHashMap<>();
        collect("", out, null);
        return Collections.unmodifiableMap(out);
    }

    /** Every buffer of this module and its descendants, by dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", null, out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Variable> ps, Map<String, Tensor> bs) {
        if (ps != null) params.forEach((n, p) -> ps.put(prefix + n, p));
        if (bs != null) buffers.forEach((n, b) -> bs.put(prefix + n, b));
        children.forEach((n, c) -> c.collect(prefix + n + ".", ps, bs));
    }

    /** Every parameter, in the order of {@link #namedParameters()}. */
    public final List<Variable> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The direct children, by name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** A descendant by dotted path ("layer1.0"), or this module for "". */
    public final Module module(String path) {
        Module m = this;
        if (path.isEmpty()) return m;
        for (String part : path.split("\\.")) {
            Module next = m.children.get(part);
            if (next == null) throw new IllegalArgumentException("no submodule '" + part + "' in " + m.getClass().getSimpleName() + " (path '" + path + "')");
            m = next;
        }
        return m;
    }

    /** Parameters' values and buffers by name: what a checkpoint stores. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((n, p) -> out.put(n, p.data()));
        out.putAll(namedBuffers());
        return Collections.unmodifiableMap(out);
    }

    /**
     * Copies values into this module's parameters and buffers by name. Every name must be present and
     * every shape must match (when {@code strict}, no extra names either); the error names all problems.
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor v = state.get(e.getKey());
            if (v == null) problems.add("missing '" + e.getKey() + "'");
            else if (!Arrays.equals(v.shape(), e.getValue().shape())) {
                problems.add("'" + e.getKey() + "' has shape " + Shape.str(v.shape()) + ", expected " + Shape.str(e.getValue().shape()));
            }
        }
        if (strict) for (String k : state.keySet()) if (!own.containsKey(k)) problems.add("unexpected '" + k + "'");
        if (!problems.isEmpty()) throw new IllegalArgumentException("loadStateDict into " + getClass().getSimpleName() + ": " + String.join("; ", problems));
        own.forEach((n, t) -> t.copy_(state.get(n).to(t.device())));
    }

    // ---------------------------------------------------------------- modes and devices

    /** Training mode (batch statistics, dropout on) or evaluation mode, for this module and all below. */
    public Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    /** Evaluation mode. */
    public final Module eval() { return train(false); }

    public final boolean isTraining() { return training; }

    /** Forgets every parameter's gradient. */
    public final void zeroGrad() {
        for (Variable p : parameters()) p.zeroGrad();
    }

    /**
     * Moves parameters and buffers to {@code device} (their Variables stay the same objects). The new
     * storages are made {@link TensorScope#outside outside} any open scope: they live as long as the module.
     */
    public Module to(Device device) {
        TensorScope.outside(() -> {
            for (Variable p : parameters()) p.setData(p.data().to(device));
            moveBuffers(device);
            return this;
        });
        return this;
    }

    private void moveBuffers(Device device) {
        buffers.replaceAll((n, b) -> b.to(device));
        children.values().forEach(c -> c.moveBuffers(device));
    }

    /** The total number of trainable numbers. */
    public final long parameterCount() {
        long n = 0;
        for (Variable p : parameters()) n += p.data().numel();
        return n;
    }
}
