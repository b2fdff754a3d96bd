package sslj.nn;

import sslj.autograd.Variable;

/** 1 / (1 + e⁻ˣ) elementwise. */
public final class Sigmoid extends Module {
    @Override public Variable forward(Variable x) { return x.sigmoid(); }
}
