package sslj.ssl;

import sslj.autograd.Variable;
import sslj.nn.Linear;
import sslj.nn.Module;
import sslj.tensor.Generator;

/**
 * An encoder with a linear classification layer on its pooled feature: the supervised baseline's
 * model, and the shape of a fine-tuned SSL encoder. Parameter names are "encoder.*" and "fc.*".
 */
public final class Classifier extends Module {
    private final Module encoder;
    private final Linear fc;

    public Classifier(Module encoder, int featureDim, int classes, Generator gen) {
        this.encoder = registerModule("encoder", encoder);
        this.fc = registerModule("fc", new Linear(featureDim, classes, gen));
    }

    public Module encoder() { return encoder; }

    /** [N, C, H, W] images → [N, classes] logits. */
    @Override public Variable forward(Variable x) { return fc.forward(encoder.forward(x)); }
}
