package sslj.autograd.demo;

import java.io.PrintStream;
import java.util.List;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * The autograd engine end to end: a 2 → 32 → 3 tanh MLP learns the three-arm spiral (the classic
 * non-linearly-separable toy set of CS231n) with full-batch gradient descent written out by hand.
 *
 * <pre>
 *   java --add-modules=jdk.incubator.vector -cp tensor/target/classes:autograd/target/classes \
 *        sslj.autograd.demo.TinyMlpDemo [--steps N] [--seed S]
 * </pre>
 */
public final class TinyMlpDemo {
    static final int CLASSES = 3, PER_CLASS = 100, HIDDEN = 32;
    static final float LEARNING_RATE = 1.0f;

    private TinyMlpDemo() { }

    /** The loss after every step, and the training accuracy at the end. */
    public record Result(float[] losses, float accuracy) { }

    /** Points [300, 2] and labels [300]: arm c is r·(sin t, cos t), r ∈ [0, 1], t ∈ [4c, 4c + 4] + noise. */
    public static Tensor[] spiral(Generator gen) {
        int n = CLASSES * PER_CLASS;
        Tensor noise = Tensor.normal(gen, 0f, 0.2f, n);
        float[] eps = noise.toFloatArray(), xy = new float[2 * n], labels = new float[n];
        for (int c = 0, i = 0; c < CLASSES; c++) {
            for (int k = 0; k < PER_CLASS; k++, i++) {
                double r = k / (double) (PER_CLASS - 1);
                double t = 4.0 * c + 4.0 * k / (PER_CLASS - 1) + eps[i];
                xy[2 * i] = (float) (r * Math.sin(t));
                xy[2 * i + 1] = (float) (r * Math.cos(t));
                labels[i] = c;
            }
        }
        return new Tensor[] {Tensor.of(xy, n, 2), Tensor.of(labels, n)};
    }

    /** Trains from a fixed seed; prints the loss every {@code steps / 10} steps to {@code log} (null: silent). */
    @SuppressWarnings("try")   // the NoGrad scopes are used for their effect, not referenced in the body
    public static Result train(int steps, long seed, PrintStream log) {
        Generator gen = new Generator(seed);
        Tensor[] data = spiral(gen);
        Variable x = Variable.constant(data[0]);
        Tensor y = data[1];

        // Parameters: weights scaled by 1/√fan-in so the tanh units start in their linear range.
        Variable w1 = Variable.param(Tensor.normal(gen, 0f, (float) (1 / Math.sqrt(2)), 2, HIDDEN));
        Variable b1 = Variable.param(Tensor.zeros(HIDDEN));
        Variable w2 = Variable.param(Tensor.normal(gen, 0f, (float) (1 / Math.sqrt(HIDDEN)), HIDDEN, CLASSES));
        Variable b2 = Variable.param(Tensor.zeros(CLASSES));
        List<Variable> params = List.of(w1, b1, w2, b2);

        float[] losses = new float[steps];
        for (int step = 0; step < steps; step++) {
            Variable logits = x.matmul(w1).add(b1).tanh().matmul(w2).add(b2);
            Variable loss = logits.crossEntropy(y);
            loss.backward();
            losses[step] = loss.item();
            // Plain SGD: p ← p − lr·∇p, in place, outside the graph; then clear the gradients.
            try (NoGrad g = NoGrad.enter()) {
                for (Variable p : params) {
                    p.data().add_(p.grad().mul(-LEARNING_RATE));
                    p.zeroGrad();
                }
            }
            if (log != null && (step % Math.max(1, steps / 10) == 0 || step == steps - 1)) {
                log.printf("step %5d  loss %.4f%n", step, losses[step]);
            }
        }

        float accuracy;
        try (NoGrad g = NoGrad.enter()) {
            Tensor logits = x.matmul(w1).add(b1).tanh().matmul(w2).add(b2).data();
            accuracy = logits.argmax(1, false).eq(y).mean().item();
        }
        if (log != null) log.printf("training accuracy %.3f (%d points, %d classes)%n", accuracy, y.numel(), CLASSES);
        return new Result(losses, accuracy);
    }

    public static void main(String[] args) {
        int steps = 2000;
        long seed = 42;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps": steps = Integer.parseInt(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: TinyMlpDemo [--steps N] [--seed S]");
            }
        }
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        train(steps, seed, System.out);
    }
}
