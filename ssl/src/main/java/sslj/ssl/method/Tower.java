package sslj.ssl.method;

import sslj.autograd.Variable;
import sslj.nn.Module;

/**
 * An encoder followed by a head, as one module with children "encoder" and "head": MoCo's query and
 * key encoders (backbone + projection), BYOL's and MoCo v3's online and target networks (backbone +
 * projector). Two towers built the same way have the same parameter names, which is what
 * {@link sslj.nn.contrastive.EmaUpdate} pairs an online network with its momentum copy by.
 */
public final class Tower extends Module {
    private final Module encoder, head;
    private final int featureDim;

    public Tower(Module encoder, int featureDim, Module head) {
        this.encoder = registerModule("encoder", encoder);
        this.head = registerModule("head", head);
        this.featureDim = featureDim;
    }

    /** head(encoder(x)). */
    @Override public Variable forward(Variable x) { return head.forward(encoder.forward(x)); }

    public Module encoder() { return encoder; }

    public Module head() { return head; }

    /** Width of the encoder's pooled features. */
    public int featureDim() { return featureDim; }

    /** A module that only groups others (the trained part of BYOL and MoCo v3: online tower + predictor). */
    static final class Group extends Module {
        Group(String name1, Module m1, String name2, Module m2) {
            registerModule(name1, m1);
            registerModule(name2, m2);
        }

        @Override public Variable forward(Variable x) {
            throw new UnsupportedOperationException("a group of modules has no forward of its own");
        }
    }
}
