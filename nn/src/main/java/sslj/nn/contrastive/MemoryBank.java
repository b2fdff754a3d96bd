package sslj.nn.contrastive;

import java.util.LinkedHashMap;
import java.util.Map;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Momentum;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * InstDisc's memory bank (Wu et al. 2018): one D-dimensional feature per training sample, read for
 * negatives and refreshed with momentum after each step:
 * <pre>  v_idx ← normalise(m·v_idx + (1 − m)·f)        (m = 0.5 in the paper)</pre>
 * {@link #update} is one backend call ({@link Momentum#memoryBankUpdate}). When a batch holds the same
 * sample index twice, the LAST occurrence wins (its update is computed from the old row; earlier ones
 * are dropped) — the same bits on the CPU and the GPU, where PyTorch's index_copy_ leaves it undefined.
 *
 * <p>Initialised as the reference code (lemniscate.pytorch) does: uniform in [−s, s] with
 * s = 1/√(D/3), so the rows have about unit norm before they are first written.
 */
public final class MemoryBank {
    private final int size, d;
    private final float momentum;
    private final Tensor bank;

    public MemoryBank(int size, int d, float momentum, Device device, Generator gen) {
        if (size < 1 || d < 1) throw new IllegalArgumentException("MemoryBank: size and D must be >= 1, got size=" + size + ", D=" + d);
        Momentum.checkMomentum("MemoryBank", momentum);
        this.size = size;
        this.d = d;
        this.momentum = momentum;
        float s = (float) (1.0 / Math.sqrt(d / 3.0));
        // unscoped even when made inside a step scope: the bank lives as long as the method
        this.bank = TensorScope.outside(() -> Tensor.uniform(gen, -s, s, size, d).to(device).contiguous());
    }

    /** The paper's momentum 0.5. */
    public MemoryBank(int size, int d, Device device, Generator gen) { this(size, d, 0.5f, device, gen); }

    /** bank[idx[i]] ← normalise(m·bank[idx[i]] + (1 − m)·f[i]); idx [B] float whole numbers, f [B, D]. */
    public void update(Tensor idx, Tensor f) { Momentum.memoryBankUpdate(bank, idx, f, momentum); }

    /** Rows idx [n] of the bank, a new [n, D] tensor (negatives or positives for the NCE loss). */
    public Tensor gather(Tensor idx) { return bank.indexSelect(0, idx); }

    /**
     * B × K sample indices drawn uniformly from [0, size) by {@code gen} (InstDisc's uniform noise
     * distribution), as a [B, K] float tensor on the bank's device; flatten and {@link #gather} them.
     */
    public Tensor sampleNegatives(int b, int k, Generator gen) {
        if (b < 1 || k < 1) throw new IllegalArgumentException("sampleNegatives: B and K must be >= 1, got B=" + b + ", K=" + k);
        int n = Math.multiplyExact(b, k);
        float[] out = new float[n];
        long first = gen.reserve((n + 3) / 4);
        int[] w = new int[4];
        for (int i = 0; i < n; i++) {
            if ((i & 3) == 0) Generator.block(gen.seed(), first + i / 4, w);
            out[i] = (float) (((w[i & 3] & 0xFFFFFFFFL) * size) >>> 32);   // floor(u · size), u ∈ [0, 1)
        }
        return Tensor.of(out, b, k).to(bank.device());
    }

    /** The [size, D] rows (a live view). */
    public Tensor bank() { return bank; }

    public int size() { return size; }

    public int dim() { return d; }

    public float momentum() { return momentum; }

    /** What a checkpoint stores: "bank", a copy of the rows. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("bank", bank.copy());
        return s;
    }

    /** Restores a {@link #state()} of the same shape. */
    public void load(Map<String, Tensor> state) {
        Tensor b = state.get("bank");
        if (b == null) throw new IllegalArgumentException("MemoryBank.load: state needs 'bank', got " + state.keySet());
        if (b.dim() != 2 || b.size(0) != size || b.size(1) != d) {
            throw new IllegalArgumentException("MemoryBank.load: bank of shape " + Shape.str(b.shape()) + ", expected [" + size + ", " + d + "]");
        }
        bank.copy_(b.to(bank.device()));
    }
}
