package sslj.nn;

import sslj.autograd.Variable;

/** [N, d1, d2, ...] → [N, d1·d2·...]: keeps the batch dimension, flattens the rest. */
public final class Flatten extends Module {
    @Override public Variable forward(Variable x) {
        if (x.dim() < 1) throw new IllegalArgumentException("Flatten: needs a batch dimension, got a scalar");
        return x.reshape(x.size(0), -1);
    }
}
