package sslj.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The owner of the device memory made while it is open: closing the scope releases every storage a
 * backend registered inside it (as DJL's {@code NDManager} does): all of a GPU's, and the CPU's large,
 * pooled arrays. GPU memory is not Java memory: nothing here relies on the garbage collector.
 *
 * <pre>{@code
 * try (TensorScope step = TensorScope.open()) {
 *     Tensor logits = x.matmul(w);           // temporaries: released when the scope closes
 *     Tensor loss = logits.logSoftmax(1).mean();
 *     return step.keep(loss);                 // survives: moves to the enclosing scope
 * }
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>Scopes are per thread and nest: {@link #open()} makes a new innermost scope whose parent is the
 *       one that was innermost.</li>
 *   <li>A storage that a backend allocates (a result, an upload, a copy) while a scope is open is
 *       registered in the innermost scope of the allocating thread (the backend calls {@link #register}).
 *       The CPU backend registers only its large arrays (64 KB and up), which go back to a pool for the
 *       next step when the scope closes; its small arrays belong to the garbage collector. So a tensor
 *       that must outlive the scope needs {@link #keep} on every device, and a loop over many batches
 *       opens a scope per batch on every device too: a scope holds its large temporaries until it closes.</li>
 *   <li>{@link #close()} releases what the scope owns, newest first, except what was {@link #keep}-ed.
 *       A scope left open inside it (an exception skipped its close) is closed first.</li>
 *   <li>{@code keep(t)} moves t's storage to the parent scope; kept in the outermost scope it becomes
 *       unscoped. Keeping a tensor the scope does not own (a CPU tensor, a parameter) does nothing.</li>
 *   <li>A storage allocated with no scope open is unscoped: it lives until {@link Tensor#release()} or
 *       until the backend is shut down. Parameters, optimiser state and memory banks live there: create
 *       them outside the step scopes.</li>
 *   <li>Releasing is by storage: every view of a released storage is dead, and using one is an
 *       {@link IllegalStateException} naming the storage. Releasing twice does nothing.</li>
 * </ol>
 * Consequence for training loops: whatever must outlive a step (a gradient accumulated into a
 * parameter's {@code .grad}, an updated buffer) must be written in place into unscoped tensors
 * ({@code copy_}, {@code add_}) or {@code keep}-ed before the step scope closes. State that is first
 * made inside a step (an optimiser's momentum buffer on its first update) is made with
 * {@link #outside}, which runs the allocation with no scope current, so it is unscoped.
 */
public final class TensorScope implements AutoCloseable {

    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

    private final TensorScope parent;
    private final Thread owner = Thread.currentThread();
    /** Owned storages in registration order (an identity set: storages are compared by reference). */
    private final List<Storage> order = new ArrayList<>();
    private final Set<Storage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private TensorScope(TensorScope parent) {
        this.parent = parent;
    }

    /** Opens a scope on this thread, nested in the current one if there is one. */
    public static TensorScope open() {
        TensorScope scope = new TensorScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** The innermost open scope of this thread, or null when none is open. */
    public static TensorScope current() {
        return CURRENT.get();
    }

    /**
     * Called by a backend for each storage it allocates: the innermost open scope of this
     * thread takes ownership of it; with no scope open the storage stays unscoped. Returns {@code s}.
     */
    public static <S extends Storage> S register(S s) {
        TensorScope scope = CURRENT.get();
        if (scope != null) scope.add(s);
        return s;
    }

    /**
     * Runs {@code make} with no scope current on this thread, so every storage it allocates is unscoped
     * (rule 5), then makes the scopes current again; returns what {@code make} returned. For long-lived
     * state created inside a step: optimiser slots on the first update, parameters moved to a device.
     * The caller owns the result (release it, or keep it for the rest of the run). On the CPU it simply
     * runs {@code make}.
     */
    public static <T> T outside(Supplier<T> make) {
        TensorScope saved = CURRENT.get();
        if (saved == null) return make.get();
        CURRENT.remove();
        try {
            return make.get();
        } finally {
            CURRENT.set(saved);
        }
    }

    /** Moves {@code t}'s storage to the parent scope (or out of scopes altogether); returns t. */
    public Tensor keep(Tensor t) {
        if (closed) throw new IllegalStateException("TensorScope.keep after the scope was closed");
        Storage s = t.storage();
        if (owned.remove(s)) {
            order.remove(s);
            if (parent != null && !parent.closed) parent.add(s);
        }
        return t;
    }

    /** {@link #keep(Tensor)} for several tensors. */
    public void keep(Tensor... ts) {
        for (Tensor t : ts) keep(t);
    }

    /** Whether this scope owns {@code t}'s storage. */
    public boolean owns(Tensor t) {
        return owned.contains(t.storage());
    }

    /** How many storages the scope owns. */
    public int size() {
        return owned.size();
    }

    public TensorScope parent() {
        return parent;
    }

    private void add(Storage s) {
        if (owned.add(s)) order.add(s);
    }

    /** Releases what the scope owns (newest first) and makes the parent current. Closing twice does nothing. */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("TensorScope opened on thread " + owner.getName() + " closed on " + Thread.currentThread().getName());
        }
        for (TensorScope inner = CURRENT.get(); inner != null && inner != this && isInside(inner); inner = CURRENT.get()) {
            inner.close();
        }
        closed = true;
        RuntimeException first = null;
        for (int i = order.size() - 1; i >= 0; i--) {
            try {
                order.get(i).release();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        order.clear();
        owned.clear();
        if (CURRENT.get() == this) {
            if (parent == null) CURRENT.remove(); else CURRENT.set(parent);
        }
        if (first != null) throw first;
    }

    private boolean isInside(TensorScope scope) {
        for (TensorScope s = scope.parent; s != null; s = s.parent) if (s == this) return true;
        return false;
    }
}
