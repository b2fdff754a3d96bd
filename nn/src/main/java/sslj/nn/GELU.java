package sslj.nn;

import sslj.autograd.Variable;

/** GELU, tanh approximation (Hendrycks and Gimpel 2016), as in ViT's MLP blocks. */
public final class GELU extends Module {
    @Override public Variable forward(Variable x) { return x.gelu(); }
}
