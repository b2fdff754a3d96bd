package sslj.ssl.method;

import sslj.autograd.Variable;
import sslj.nn.Module;

/**
 * An encoder f and a head g on its pooled feature, z = g(f(x)): the trainable network of the
 * single-network methods here (InstDisc, SimCLRv2, CLIP's image tower). Parameter names are
 * "encoder.*" and "head.*", so a checkpoint of one loads into another built the same way.
 */
public final class EncoderHead extends Module {
    private final Module encoder, head;

    public EncoderHead(Module encoder, Module head) {
        this.encoder = registerModule("encoder", encoder);
        this.head = registerModule("head", head);
    }

    public Module encoder() { return encoder; }

    public Module head() { return head; }

    /** [N, C, H, W] → [N, D]. */
    @Override public Variable forward(Variable x) { return head.forward(encoder.forward(x)); }
}
