package sslj.ssl.method;

import java.util.ArrayList;
import java.util.List;
import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * MoCo's shuffling batch normalisation (He et al. 2020, §3.3), emulated on one device.
 *
 * <p><b>What MoCo does.</b> On 8 GPUs each GPU runs BN over its own sub-batch. The query encoder sees
 * the sub-batch in order; the key encoder's input is first shuffled ACROSS GPUs, so the key of a
 * sample is normalised with the statistics of a different, random subset of the batch than its query;
 * the keys are unshuffled afterwards. <b>Why.</b> With ordinary BN, query i and its positive key i
 * would be normalised with statistics of the same set of samples; in the queue form of InfoNCE the
 * positive is the only logit whose key comes from the current batch, so that shared "batch signature"
 * leaks which key is the positive, and the network can lower the loss by reading it instead of
 * learning a good representation (the paper saw the loss drop fast while kNN/linear accuracy stayed
 * poor without shuffling).
 *
 * <p><b>What is emulated here.</b> BN statistics come from G sub-batches instead of G GPUs:
 * <ul>
 *   <li>{@link #grouped}: the query batch is cut into G contiguous groups (sizes ⌊N/G⌋ or ⌈N/G⌉, as the
 *       per-GPU chunks) and the encoder runs on each group separately (its BN layers see only that
 *       group), the outputs concatenated in order;</li>
 *   <li>{@link #shuffled}: the key batch is permuted with a random permutation π, cut into G groups the
 *       same way, each group run separately, and the outputs put back in the original order with π⁻¹.
 *       So key i is normalised with the statistics of a random subset that generally differs from
 *       query i's group — exactly the per-GPU behaviour of the paper (where, as here, a sample's key
 *       lands on its query's GPU with probability about 1/G, but with a different set of companions).</li>
 * </ul>
 * Everything else is unchanged: the encoder is the same module for every group, so its BN running
 * statistics are updated once per group (G times a step, as in the paper where each GPU updates its
 * own copy). With G = 1 both calls are a plain forward (no permutation at all), so they equal the
 * non-shuffled result exactly. Costs: G smaller batches instead of one (a little less GEMM efficiency).
 * Requires N ≥ 2G so every group has at least two samples for its statistics.
 */
public final class ShuffleBn {
    private ShuffleBn() { }

    /** {@code net} on G contiguous groups of the batch (dim 0), concatenated in order. */
    public static Variable grouped(Module net, Variable x, int groups) {
        int n = x.size(0);
        check(n, groups);
        if (groups == 1) return net.forward(x);
        List<Variable> outs = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            int lo = (int) ((long) n * g / groups), hi = (int) ((long) n * (g + 1) / groups);
            outs.add(net.forward(x.narrow(0, lo, hi - lo)));
        }
        return Variable.cat(0, outs);
    }

    /**
     * {@code net} on G groups of a random permutation of the batch (from {@code gen}), the rows of the
     * result back in the input's order: row i of the output is net's output for input row i.
     */
    public static Variable shuffled(Module net, Variable x, int groups, Generator gen) {
        int n = x.size(0);
        check(n, groups);
        if (groups == 1) return net.forward(x);
        int[] perm = permutation(n, gen);
        float[] fwd = new float[n], inv = new float[n];
        for (int j = 0; j < n; j++) {
            fwd[j] = perm[j];     // shuffled row j = input row perm[j]
            inv[perm[j]] = j;     // input row i sits at shuffled row inv[i]
        }
        Device device = x.data().device();
        Variable out = grouped(net, x.indexSelect(0, Tensor.of(fwd).to(device)), groups);
        return out.indexSelect(0, Tensor.of(inv).to(device));
    }

    /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
    static int[] permutation(int n, Generator gen) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static void check(int n, int groups) {
        if (groups < 1) throw new IllegalArgumentException("shuffle-BN: groups must be >= 1, got " + groups);
        if (groups > 1 && n < 2 * groups) {
            throw new IllegalArgumentException("shuffle-BN: a batch of " + n + " cannot give " + groups + " BN groups of at least 2 samples");
        }
    }
}
