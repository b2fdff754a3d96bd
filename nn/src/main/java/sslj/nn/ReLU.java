package sslj.nn;

import sslj.autograd.Variable;

/** max(x, 0) elementwise. */
public final class ReLU extends Module {
    @Override public Variable forward(Variable x) { return x.relu(); }
}
