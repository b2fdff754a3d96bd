package sslj.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import sslj.autograd.Variable;
import sslj.tensor.Generator;

/**
 * The projection and prediction heads of SSL methods: {@code layers} Linear layers
 * in → hidden → … → hidden → out, each hidden one followed by an optional norm layer and a ReLU, the
 * last one by an optional norm layer only.
 *
 * <p>Norm layers come from factories (features → module) so that this class does not depend on a
 * particular norm: pass {@code f -> new BatchNorm1d(f, 1e-5f, 0.1f, true)} for the papers' heads,
 * {@code null} for none (BYOL's collapse study compares heads with and without BN). A Linear followed
 * by a norm layer has no bias: the norm's shift makes it redundant, as in MoCo v3's {@code _build_mlp}
 * and SimCLR's {@code linear_layer(use_bias = not use_bn)}.
 *
 * <p>Children are named "0", "1", … in order (Linear, norm, ReLU, Linear, …), as the same stack built
 * with PyTorch's nn.Sequential, so state dicts carry over.
 */
public final class MLP extends Module {
    private final List<Module> layers = new ArrayList<>();
    private final List<Integer> blockEnds = new ArrayList<>();   // index after each Linear's norm/ReLU

    /**
     * @param layers     number of Linear layers, ≥ 1
     * @param hiddenNorm norm after each hidden Linear (before its ReLU), or null
     * @param lastNorm   norm after the last Linear, or null (MoCo v3: BatchNorm1d without affine)
     */
    public MLP(int layers, int in, int hidden, int out, IntFunction<Module> hiddenNorm, IntFunction<Module> lastNorm, Generator gen) {
        if (layers < 1) throw new IllegalArgumentException("MLP: needs at least one layer, got " + layers);
        for (int l = 0; l < layers; l++) {
            boolean last = l == layers - 1;
            int a = l == 0 ? in : hidden, b = last ? out : hidden;
            IntFunction<Module> norm = last ? lastNorm : hiddenNorm;
            add(new Linear(a, b, norm == null, gen));
            if (norm != null) add(norm.apply(b));
            if (!last) add(new ReLU());
            blockEnds.add(this.layers.size());
        }
    }

    private void add(Module m) { layers.add(registerModule(Integer.toString(layers.size()), m)); }

    /** The number of Linear layers. */
    public int depth() { return blockEnds.size(); }

    /** Child i ("i" in the state dict). */
    public Module get(int i) { return layers.get(i); }

    @Override public Variable forward(Variable x) { return forwardThrough(x, depth()); }

    /**
     * The output after the first {@code blocks} Linear layers with their norm and ReLU: SimCLRv2
     * fine-tunes a classifier on the head's first hidden layer, not on the encoder's output.
     */
    public Variable forwardThrough(Variable x, int blocks) {
        if (blocks < 0 || blocks > depth()) throw new IllegalArgumentException("MLP: blocks must be in [0, " + depth() + "], got " + blocks);
        int end = blocks == 0 ? 0 : blockEnds.get(blocks - 1);
        for (int i = 0; i < end; i++) x = layers.get(i).forward(x);
        return x;
    }

    // ---------------------------------------------------------------- presets (DESIGN.md §6)
    // Each takes its norm factory explicitly: pass BatchNorm1d for the papers' heads.

    /** SimCLR (Chen et al. 2020): Linear-BN-ReLU-Linear, 2048 → 2048 → 128. */
    public static MLP simclrProjection(int in, int hidden, int out, IntFunction<Module> norm, Generator gen) {
        return new MLP(2, in, hidden, out, norm, null, gen);
    }

    /**
     * SimCLRv2 (Chen et al. 2020b): three layers, BN on every layer; the last BN has no shift (TF
     * {@code center = False}) — pass a factory for it as {@code lastNorm}.
     */
    public static MLP simclrV2Projection(int in, int hidden, int out, IntFunction<Module> norm, IntFunction<Module> lastNorm, Generator gen) {
        return new MLP(3, in, hidden, out, norm, lastNorm, gen);
    }

    /** MoCo v2 (Chen et al. 2020c): Linear-ReLU-Linear, 2048 → 2048 → 128, no BN. */
    public static MLP mocoV2Projection(int in, int hidden, int out, Generator gen) {
        return new MLP(2, in, hidden, out, null, null, gen);
    }

    /**
     * MoCo v3 (Chen, Xie and He 2021) projector: three layers, BN on hidden layers and BN without
     * affine on the output ({@code lastNorm = f -> new BatchNorm1d(f, 1e-5f, 0.1f, false)}).
     */
    public static MLP mocoV3Projection(int in, int hidden, int out, IntFunction<Module> norm, IntFunction<Module> lastNorm, Generator gen) {
        return new MLP(3, in, hidden, out, norm, lastNorm, gen);
    }

    /** MoCo v3 predictor: two layers, BN on the hidden layer, none on the output. */
    public static MLP mocoV3Predictor(int dim, int hidden, IntFunction<Module> norm, Generator gen) {
        return new MLP(2, dim, hidden, dim, norm, null, gen);
    }

    /** BYOL (Grill et al. 2020) projector and predictor: Linear-BN-ReLU-Linear, 4096 hidden → 256. */
    public static MLP byol(int in, int hidden, int out, IntFunction<Module> norm, Generator gen) {
        return new MLP(2, in, hidden, out, norm, null, gen);
    }
}
