package sslj.ssl.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sslj.ssl.data.Compose;
import sslj.ssl.data.MultiView;
import sslj.ssl.data.Transform;
import sslj.ssl.train.Encoders;
import sslj.ssl.train.Options;
import sslj.ssl.train.TrainData;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** Small pieces the momentum-encoder methods share. */
final class MethodSupport {
    private MethodSupport() { }

    /** Each view's pipeline followed by the dataset's standardisation (what the encoders are fed). */
    static MultiView normalized(MultiView views, Options o) {
        List<Transform> out = new ArrayList<>();
        for (int i = 0; i < views.views(); i++) out.add(Compose.of(views.pipeline(i), TrainData.normalize(o)));
        return new MultiView(out);
    }

    /** The encoder the options name, for the options' dataset (channels and side). */
    static Encoders.Backbone backbone(Options o, Generator gen) {
        return Encoders.backbone(o, TrainData.channels(o), TrainData.side(o), gen);
    }

    /**
     * f's result computed under NoGrad in a scope of its own, the result moved to the enclosing scope: a
     * momentum encoder's or a teacher's forward keeps nothing for a backward, so its activations go back
     * (to the GPU's allocator, or the CPU's array pool) as soon as the result is out, not at the end of the step.
     */
    @SuppressWarnings("try")
    static Tensor withoutGraph(java.util.function.Supplier<Tensor> f) {
        try (sslj.autograd.NoGrad g = sslj.autograd.NoGrad.enter(); sslj.tensor.TensorScope s = sslj.tensor.TensorScope.open()) {
            return s.keep(f.get());
        }
    }

    /** A fresh generator for step {@code step}'s random choices (shuffle-BN permutations): a function of (seed, step), so a resumed run draws the same. */
    static Generator stepGenerator(long seed, long step) {
        return new Generator(seed * 0x9E3779B97F4A7C15L + step + 0x5B0F);
    }

    /** Copies {@code from}'s entries (names prefixed) into {@code into}, as copies (a checkpoint outlives the step). */
    static void putAll(Map<String, Tensor> into, String prefix, Map<String, Tensor> from) {
        from.forEach((n, t) -> into.put(prefix + n, t.copy()));
    }

    /** The entries of {@code state} under {@code prefix}, the prefix removed. */
    static Map<String, Tensor> under(Map<String, Tensor> state, String prefix) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        state.forEach((n, t) -> { if (n.startsWith(prefix)) out.put(n.substring(prefix.length()), t); });
        return out;
    }

    /** A target network's state dict under "target." (what BYOL and MoCo v3 checkpoint besides the trained parameters). */
    static Map<String, Tensor> targetState(sslj.nn.Module target) {
        Map<String, Tensor> s = new java.util.LinkedHashMap<>();
        putAll(s, "target.", target.stateDict());
        return s;
    }

    /** Restores {@link #targetState}. */
    static void loadTargetState(sslj.nn.Module target, Map<String, Tensor> state) {
        target.loadStateDict(under(state, "target."), true);
    }
}
