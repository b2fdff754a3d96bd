package sslj.nn;

import sslj.autograd.Variable;

/** tanh elementwise. */
public final class Tanh extends Module {
    @Override public Variable forward(Variable x) { return x.tanh(); }
}
