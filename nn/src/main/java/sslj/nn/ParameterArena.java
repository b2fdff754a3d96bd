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
 * Every parameter of a module in one contiguous flat tensor (DESIGN.md §2: "parameters of one model
 * live in one contiguous arena, so an EMA over a whole network is one launch").
 *
 * <p>{@link #pack} copies each parameter into its slice of a new flat tensor and makes the parameter's
 * data a view of that slice ({@link Variable#setData}), so layers keep using the same Variables and
 * see the same values. Parameters are laid out in {@link Module#namedParameters()} order, back to back
 * with no padding; two structurally identical models (an online network and its EMA target) therefore
 * get arenas that line up element by element, and the EMA θ_t ← m θ_t + (1 − m) θ_o of a whole
 * network is one op on {@code target.flat()} and {@code online.flat()}.
 *
 * <p>Pack after moving the module to its device: {@link Module#to} gives parameters new storage and
 * so detaches them from the arena. Packing drops existing gradients (setData does).
 */
public final class ParameterArena {
    private final Tensor flat;
    private final List<String> names;
    private final List<Variable> params;
    private final long[] offsets;          // offsets[i] is parameter i's first element in flat
    private final List<int[]> shapes;

    private ParameterArena(Tensor flat, List<String> names, List<Variable> params, long[] offsets, List<int[]> shapes) {
        this.flat = flat;
        this.names = names;
        this.params = params;
        this.offsets = offsets;
        this.shapes = shapes;
    }

    /** Moves every parameter of {@code module} into one new flat tensor; values are preserved. */
    public static ParameterArena pack(Module module) {
        Map<String, Variable> named = module.namedParameters();
        if (named.isEmpty()) throw new IllegalArgumentException("ParameterArena: " + module.getClass().getSimpleName() + " has no parameters");
        Device device = null;
        long total = 0;
        long[] offsets = new long[named.size()];
        int i = 0;
        for (Map.Entry<String, Variable> e : named.entrySet()) {
            Device d = e.getValue().data().device();
            if (device != null && !device.equals(d)) {
                throw new IllegalArgumentException("ParameterArena: parameters on different devices (" + device + " and " + d + " for '" + e.getKey() + "')");
            }
            device = d;
            offsets[i++] = total;
            total += e.getValue().data().numel();
        }
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("ParameterArena: " + total + " parameters exceed one tensor's 2^31 − 1 elements");
        Device on = device;
        long n = total;
        Tensor flat = TensorScope.outside(() -> Tensor.zeros(on, (int) n));   // the parameters' home: never a step's
        List<String> names = new ArrayList<>();
        List<Variable> params = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        i = 0;
        for (Map.Entry<String, Variable> e : named.entrySet()) {
            Variable p = e.getValue();
            Tensor slot = slice(flat, offsets[i++], p.shape());
            slot.copy_(p.data());
            p.setData(slot);
            names.add(e.getKey());
            params.add(p);
            shapes.add(p.shape());
        }
        return new ParameterArena(flat, Collections.unmodifiableList(names), Collections.unmodifiableList(params), offsets, shapes);
    }

    private static Tensor slice(Tensor flat, long offset, int[] shape) {
        return flat.narrow(0, (int) offset, (int) Shape.numel(shape)).view(shape);
    }

    /** The arena: every parameter's numbers, back to back. Writing to it writes the parameters. */
    public Tensor flat() { return flat; }

    /** The total number of elements. */
    public int size() { return flat.numel(); }

    /** Parameter names in arena order. */
    public List<String> names() { return names; }

    /** The parameters in arena order (the same Variables the module's layers hold). */
    public List<Variable> parameters() { return params; }

    /** Where parameter {@code name} starts in {@link #flat()}. */
    public long offset(String name) { return offsets[indexOf(name)]; }

    /** The shape of parameter {@code name}. */
    public int[] shape(String name) { return shapes.get(indexOf(name)).clone(); }

    /** Name → [offset, offset + numel) for every parameter, in arena order. */
    public Map<String, long[]> layout() {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) out.put(names.get(i), new long[] {offsets[i], offsets[i] + Shape.numel(shapes.get(i))});
        return Collections.unmodifiableMap(out);
    }

    private int indexOf(String name) {
        int i = names.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("ParameterArena: no parameter named '" + name + "'");
        return i;
    }

    /**
     * Every parameter's gradient in one flat tensor laid out like {@link #flat()}, zeros where a
     * parameter has none: what a one-pass optimiser step or a global gradient norm reads. A new tensor
     * (gradients are separate tensors that accumulate by replacement, so they cannot live in an arena).
     */
    public Tensor flatGrad() {
        List<Tensor> parts = new ArrayList<>();
        for (Variable p : params) {
            Tensor g = p.grad();
            parts.add(g == null ? Tensor.zeros(flat.device(), p.data().numel()) : g.reshape(-1));
        }
        return Tensor.cat(0, parts);
    }

    /**
     * Throws unless {@code other} has the same names and shapes in the same order, so that the two
     * flat tensors line up element by element (an EMA target and its online network).
     */
    public void checkAlignedWith(ParameterArena other) {
        List<String> problems = new ArrayList<>();
        if (!names.equals(other.names)) problems.add("names differ: " + names + " vs " + other.names);
        else for (int i = 0; i < names.size(); i++) {
            if (!Arrays.equals(shapes.get(i), other.shapes.get(i))) {
                problems.add("'" + names.get(i) + "' has shape " + Shape.str(shapes.get(i)) + " vs " + Shape.str(other.shapes.get(i)));
            }
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException("ParameterArena: arenas do not line up: " + String.join("; ", problems));
    }

    /** True when every parameter's data is still the view this arena made (no one moved or replaced it). */
    public boolean isIntact() {
        for (Variable p : params) if (p.data().storage() != flat.storage()) return false;
        return true;
    }
}
