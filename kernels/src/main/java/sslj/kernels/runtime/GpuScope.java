package sslj.kernels.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A region of code whose device buffers are returned to the {@link CachingAllocator} when it ends:
 * GPU memory is freed deterministically, never by the garbage collector (DESIGN.md section 2).
 *
 * <pre>{@code
 * try (GpuScope step = GpuScope.open(allocator)) {
 *     DevicePtr logits = step.alloc(bytes);         // a temporary: freed when the scope closes
 *     DevicePtr loss = step.alloc(4);
 *     ...
 *     return step.keep(loss);                        // moves the result to the enclosing scope
 * }
 * }</pre>
 *
 * <p>Design. Scopes nest per thread: {@link #open} makes the new scope the thread's current one, with
 * the previous current one as its parent; {@link #close} frees what the scope owns and makes the parent
 * current again. Allocation is explicit ({@code scope.alloc}), so a reader sees which scope owns a
 * buffer; code that has no scope in hand (deep inside a backend) asks for {@link #current()}.
 * {@link #keep} hands a buffer to the parent scope, or, for the outermost scope, to the caller, who
 * then frees it through the allocator: that is how parameters and optimiser state are made to live
 * outside the step scopes. Closing a scope first closes any scope still open inside it.
 */
public final class GpuScope implements AutoCloseable {

    private static final ThreadLocal<GpuScope> CURRENT = new ThreadLocal<>();

    private final CachingAllocator allocator;
    private final GpuScope parent;
    private final Thread owner = Thread.currentThread();
    /** Owned buffers by address, in allocation order (freed in reverse). */
    private final Map<Long, DevicePtr> owned = new LinkedHashMap<>();
    private boolean closed;

    private GpuScope(CachingAllocator allocator, GpuScope parent) {
        this.allocator = allocator;
        this.parent = parent;
    }

    /** Opens a scope on this thread, nested in the current one if there is one. */
    public static GpuScope open(CachingAllocator allocator) {
        GpuScope scope = new GpuScope(allocator, CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** The innermost open scope on this thread; an error naming the problem if there is none. */
    public static GpuScope current() {
        GpuScope scope = CURRENT.get();
        if (scope == null) throw new IllegalStateException("no GpuScope open on thread " + Thread.currentThread().getName()
                + ": wrap the GPU work in try (GpuScope s = GpuScope.open(allocator)) { ... }");
        return scope;
    }

    /** Whether a scope is open on this thread. */
    public static boolean isOpen() {
        return CURRENT.get() != null;
    }

    /** A buffer of {@code bytes} bytes owned by this scope. */
    public DevicePtr alloc(long bytes) {
        checkOpen("alloc");
        DevicePtr p = allocator.malloc(bytes);
        owned.put(p.address(), p);
        return p;
    }

    /** Takes ownership of a buffer from the same allocator (e.g. one a callee kept for us). */
    public DevicePtr adopt(DevicePtr p) {
        checkOpen("adopt");
        if (!allocator.owns(p)) throw new GpuException("adopt(0x" + Long.toHexString(p.address()) + "): not a live buffer of this scope's allocator");
        owned.put(p.address(), p);
        return p;
    }

    /**
     * Moves {@code p} out of this scope: to the parent scope if there is one, else to the caller (who
     * must free it with the allocator). Returns {@code p}, so that {@code return scope.keep(result)} reads.
     */
    public DevicePtr keep(DevicePtr p) {
        checkOpen("keep");
        if (owned.remove(p.address()) == null) {
            throw new GpuException("keep(0x" + Long.toHexString(p.address()) + "): not a buffer owned by this scope");
        }
        if (parent != null && !parent.closed) parent.owned.put(p.address(), p);
        return p;
    }

    /** Whether this scope owns {@code p}. */
    public boolean owns(DevicePtr p) {
        return owned.containsKey(p.address());
    }

    /** Number of buffers this scope owns. */
    public int size() {
        return owned.size();
    }

    public GpuScope parent() {
        return parent;
    }

    /**
     * Closes scopes still open inside this one, returns every owned buffer to the allocator (newest
     * first) and makes the parent current. Closing twice does nothing.
     */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("GpuScope opened on thread " + owner.getName() + " closed on " + Thread.currentThread().getName());
        }
        // Inner scopes left open (an exception skipped their close, or they were never closed):
        // close them first so that their buffers are not lost and the thread's chain stays consistent.
        for (GpuScope inner = CURRENT.get(); inner != null && inner != this && isInside(inner); inner = CURRENT.get()) {
            inner.close();
        }
        closed = true;
        List<DevicePtr> buffers = new ArrayList<>(owned.values());
        owned.clear();
        RuntimeException first = null;
        for (int i = buffers.size() - 1; i >= 0; i--) {
            try {
                allocator.free(buffers.get(i));
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (CURRENT.get() == this) {
            if (parent == null) CURRENT.remove(); else CURRENT.set(parent);
        }
        if (first != null) throw first;
    }

    private boolean isInside(GpuScope scope) {
        for (GpuScope s = scope.parent; s != null; s = s.parent) if (s == this) return true;
        return false;
    }

    private void checkOpen(String call) {
        if (closed) throw new IllegalStateException("GpuScope." + call + " after the scope was closed");
    }
}
