package sslj.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sslj.tensor.Shape;
import sslj.tensor.Storage;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * Reverse-mode differentiation: the whole engine (as micrograd's engine.py).
 *
 * <ol>
 *   <li>Order the graph behind the output topologically, every node after the nodes it was computed
 *       from. The walk uses an explicit stack, not recursion: a deep network's graph has hundreds of
 *       thousands of nodes, more than a thread's stack holds frames.</li>
 *   <li>Walk that order once, from the output back. When a node is reached, every op that used it has
 *       already passed its share of the gradient back, so its gradient is complete: call its creator's
 *       backward and add (+=) each result into the gradient of the corresponding input. A node used
 *       twice (x * x, a diamond) simply receives two contributions.</li>
 *   <li>Leaves that require grad keep their gradient in {@code .grad}, added to what is already there
 *       (accumulation across backward calls until zeroGrad). Intermediate gradients are released as soon
 *       as they have been passed on: the walk runs in a {@link TensorScope} of its own, and a gradient
 *       made in it whose storage no pending gradient shares (a backward may pass its input on, or a view
 *       of it) goes back to the device at once, so a step holds the activations and a few gradients, not
 *       every gradient of the graph. The leaves' {@code .grad} are kept out of that scope.</li>
 *   <li>Unless asked to retain it, each op is released after its backward: it forgets its inputs and the
 *       node forgets the op, so the saved tensors can be collected; a second backward through the same
 *       graph then fails with a clear error.</li>
 * </ol>
 */
final class Engine {
    private Engine() { }

    @SuppressWarnings("try")
    static void backward(Variable root, Tensor rootGrad, boolean retainGraph) {
        List<Variable> order = topologicalOrder(root);
        try (TensorScope scope = TensorScope.open()) {
            Pending grads = new Pending(scope);
            grads.add(root, rootGrad);
            for (int i = order.size() - 1; i >= 0; i--) {
                Variable v = order.get(i);
                Tensor g = grads.remove(v);   // complete now
                if (g == null) continue;      // the ops that used v passed no gradient back (e.g. a zero branch)
                if (v.isLeaf()) {
                    v.accumulateGrad(g);
                    scope.keep(v.grad());     // outlives the walk
                    grads.releaseIfDead(g);
                    continue;
                }
                Function fn = v.gradFn();
                Variable[] ins = fn.inputs();
                Tensor[] inGrads = fn.backward(g);
                for (int j = 0; j < ins.length; j++) {
                    if (inGrads[j] == null || !ins[j].requiresGrad()) continue;
                    if (!Arrays.equals(inGrads[j].shape(), ins[j].data().shape())) {
                        throw new IllegalStateException(fn.name() + ".backward: gradient of shape " + Shape.str(inGrads[j].shape())
                                + " for input " + j + " of shape " + Shape.str(ins[j].data().shape()));
                    }
                    grads.add(ins[j], inGrads[j]);
                }
                // only now that every input's share is pending: one tensor may serve several inputs
                for (int j = 0; j < ins.length; j++) {
                    if (inGrads[j] != null && !ins[j].requiresGrad()) grads.releaseIfDead(inGrads[j]);
                }
                grads.releaseIfDead(g);
                if (!retainGraph) v.releaseGraph();
            }
        }
    }

    /**
     * The gradients passed back to nodes not yet reached, and how many of them use each storage (a backward
     * may return its incoming gradient, or a view of it, for an input; two inputs may get the same tensor).
     */
    private static final class Pending {
        private final TensorScope scope;
        private final Map<Variable, Tensor> grads = new IdentityHashMap<>();
        private final Map<Storage, Integer> uses = new IdentityHashMap<>();

        Pending(TensorScope scope) { this.scope = scope; }

        /** Adds g to v's gradient (+=: a node used twice receives two contributions). */
        void add(Variable v, Tensor g) {
            Tensor old = grads.get(v);
            Tensor sum = old == null ? g : old.add(g);
            grads.put(v, sum);
            uses.merge(sum.storage(), 1, Integer::sum);
            if (old != null) {
                drop(old);
                releaseIfDead(old);
                releaseIfDead(g);
            }
        }

        Tensor remove(Variable v) {
            Tensor g = grads.remove(v);
            if (g != null) drop(g);
            return g;
        }

        private void drop(Tensor g) {
            uses.computeIfPresent(g.storage(), (s, n) -> n == 1 ? null : n - 1);
        }

        /** Releases g if this walk made it and no pending gradient shares its storage. */
        void releaseIfDead(Tensor g) {
            if (!uses.containsKey(g.storage()) && scope.owns(g)) g.release();
        }
    }

    /** Every node that requires grad and leads to root, inputs before outputs (iterative DFS, post-order). */
    private static List<Variable> topologicalOrder(Variable root) {
        List<Variable> order = new ArrayList<>();
        Set<Variable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        // Each node is pushed twice: first to expand its inputs, then (marked done) to be emitted after them.
        Deque<Variable> stack = new ArrayDeque<>();
        Deque<Boolean> done = new ArrayDeque<>();
        stack.push(root);
        done.push(false);
        while (!stack.isEmpty()) {
            Variable v = stack.pop();
            if (done.pop()) {
                order.add(v);
                continue;
            }
            if (!seen.add(v)) continue;
            v.checkNotReleased();
            stack.push(v);
            done.push(true);
            if (v.isLeaf()) continue;
            for (Variable in : v.gradFn().inputs()) {
                if (in.requiresGrad() && !seen.contains(in)) {
                    stack.push(in);
                    done.push(false);
                }
            }
        }
        return order;
    }
}
