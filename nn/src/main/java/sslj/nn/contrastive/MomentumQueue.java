package sslj.nn.contrastive;

import java.util.LinkedHashMap;
import java.util.Map;
import sslj.autograd.Variable;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Momentum;
import sslj.tensor.Shape;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * MoCo's dictionary of negative keys (He et al. 2020, section 3.2, "dictionary as a queue"): a [K, D]
 * tensor on the device and a write pointer. Each step's
 * keys (from the momentum encoder, no gradient) overwrite the oldest rows: {@link #enqueue} writes N
 * rows at ptr with wrap-around (one backend call, {@link Momentum#enqueue}) and advances
 * ptr ← (ptr + N) mod K; the dequeue is implicit. Any K and 1 ≤ N ≤ K.
 *
 * <p>Initialised as MoCo does: random rows (standard normal, from a seeded {@link Generator}) then
 * L2-normalised, so InfoNCE is well defined before the queue has filled. {@link #state()} and
 * {@link #load} save and restore the rows and the pointer.
 */
public final class MomentumQueue {
    private final int k, d;
    private final boolean normalizeOnEnqueue;
    private final Tensor queue;
    private int ptr;

    /** A queue of {@code k} rows of width {@code d} on {@code device}, random unit rows from {@code gen}. */
    public MomentumQueue(int k, int d, Device device, Generator gen, boolean normalizeOnEnqueue) {
        if (k < 1 || d < 1) throw new IllegalArgumentException("MomentumQueue: K and D must be >= 1, got K=" + k + ", D=" + d);
        this.k = k;
        this.d = d;
        this.normalizeOnEnqueue = normalizeOnEnqueue;
        // unscoped even when made inside a step scope: the queue lives as long as the method
        this.queue = TensorScope.outside(() -> Tensor.randn(gen, k, d).l2Normalize(1).to(device).contiguous());
    }

    /** A queue that stores keys as given (they are normalised by the caller, as in MoCo's forward). */
    public MomentumQueue(int k, int d, Device device, Generator gen) { this(k, d, device, gen, false); }

    /** Writes keys [N, D] at the pointer with wrap-around and advances it; N > K is an error. */
    public void enqueue(Tensor keys) {
        ptr = Momentum.enqueue(queue, keys, ptr, normalizeOnEnqueue);
    }

    /** The keys' values (never their gradient: the queue is a constant). */
    public void enqueue(Variable keys) { enqueue(keys.data()); }

    /** The [K, D] rows (a live view: the next enqueue changes it). */
    public Tensor queue() { return queue; }

    public int ptr() { return ptr; }

    public int capacity() { return k; }

    public int dim() { return d; }

    /** What a checkpoint stores: "queue" (a copy of the [K, D] rows) and "ptr" (a scalar). */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("queue", queue.copy());
        s.put("ptr", Tensor.scalar(ptr));
        return s;
    }

    /** Restores a {@link #state()}: same K and D, pointer in [0, K). */
    public void load(Map<String, Tensor> state) {
        Tensor q = state.get("queue"), p = state.get("ptr");
        if (q == null || p == null) throw new IllegalArgumentException("MomentumQueue.load: state needs 'queue' and 'ptr', got " + state.keySet());
        if (q.dim() != 2 || q.size(0) != k || q.size(1) != d) {
            throw new IllegalArgumentException("MomentumQueue.load: queue of shape " + Shape.str(q.shape()) + ", expected [" + k + ", " + d + "]");
        }
        float pv = p.item();
        if (pv != (int) pv || pv < 0 || pv >= k) throw new IllegalArgumentException("MomentumQueue.load: ptr " + pv + " outside [0, K=" + k + ")");
        queue.copy_(q.to(queue.device()));
        ptr = (int) pv;
    }
}
