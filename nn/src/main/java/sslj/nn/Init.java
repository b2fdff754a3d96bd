package sslj.nn;

import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * Weight initialisations, with PyTorch's conventions so that a model built here starts where the same
 * model in PyTorch would (He et al. 2015, "Delving deep into rectifiers", eq. 10 and 14).
 */
public final class Init {
    private Init() { }

    /**
     * PyTorch's default for nn.Linear and nn.Conv2d weights, kaiming_uniform_(a = √5): U(−b, b) with
     * b = gain·√(3 / fan_in), gain = √(2 / (1 + a²)) = √(1/3), so b = 1/√fan_in.
     */
    public static Tensor defaultWeight(Generator gen, int fanIn, int... shape) {
        float bound = (float) (1.0 / Math.sqrt(Math.max(1, fanIn)));
        return Tensor.uniform(gen, -bound, bound, shape);
    }

    /** PyTorch's default bias for nn.Linear and nn.Conv2d: U(−1/√fan_in, 1/√fan_in). */
    public static Tensor defaultBias(Generator gen, int fanIn, int size) {
        return defaultWeight(gen, fanIn, size);
    }

    /**
     * kaiming_normal_(mode = 'fan_out', nonlinearity = 'relu'): N(0, 2 / fan_out), what torchvision's
     * ResNet uses for its convolutions; fan_out = out_channels · kernel area.
     */
    public static Tensor kaimingNormalFanOut(Generator gen, int fanOut, int... shape) {
        return Tensor.normal(gen, 0f, (float) Math.sqrt(2.0 / Math.max(1, fanOut)), shape);
    }
}
