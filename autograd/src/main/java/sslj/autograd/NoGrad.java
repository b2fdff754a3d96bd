package sslj.autograd;

/**
 * A scope in which ops record no graph: their results do not require gradients (PyTorch's
 * torch.no_grad). Used for evaluation, optimiser updates and EMA targets.
 *
 * <pre>
 *   try (var g = NoGrad.enter()) {
 *       p.data().copy_(p.data().sub(p.grad().mul(lr)));
 *   }
 * </pre>
 *
 * Scopes nest (a depth counter) and are per thread: a scope on one thread does not affect another.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private NoGrad() { }

    /** Enters a no-grad scope; close it (try-with-resources) to leave. */
    public static NoGrad enter() {
        DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** True unless the current thread is inside a no-grad scope. */
    public static boolean isGradEnabled() { return DEPTH.get()[0] == 0; }

    /** Leaves the scope; closing twice is harmless. */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("NoGrad: a scope entered on thread " + owner.getName() + " must be closed on it, not on " + Thread.currentThread().getName());
        }
        closed = true;
        DEPTH.get()[0]--;
    }
}
