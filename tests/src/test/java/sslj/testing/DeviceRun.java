package sslj.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * One run of a device-parameterised case: inputs made on the CPU from a fixed seed and moved to the
 * device (so every device sees the very same numbers), named leaves whose gradients are reported, and
 * {@link #lossAndGrads} that backpropagates a weighted sum {@code Σᵢ Σ wᵢ·outᵢ} of the outputs, with fixed
 * weights of every sign (a plain sum would hide errors that cancel, and give softmax zero gradients).
 * The results are the outputs, every leaf's gradient, and every module buffer (running statistics).
 */
public final class DeviceRun {
    public final Device device;
    private final Generator gen;
    private final Map<String, Variable> leaves = new LinkedHashMap<>();
    private final Map<String, Module> modules = new LinkedHashMap<>();

    public DeviceRun(Device device, long seed) {
        this.device = device;
        this.gen = new Generator(seed);
    }

    /** The CPU generator the inputs come from (the same sequence on every device). */
    public Generator gen() { return gen; }

    /** A CPU tensor moved to the device. */
    public Tensor on(Tensor cpu) { return cpu.to(device); }

    /** A leaf that requires a gradient, from a CPU tensor. */
    public Variable param(String name, Tensor cpu) {
        Variable v = Variable.param(cpu.to(device));
        leaves.put(name, v);
        return v;
    }

    /** A standard-normal leaf that requires a gradient. */
    public Variable randn(String name, int... shape) { return param(name, Tensor.randn(gen, shape)); }

    /** A leaf uniform in [lo, hi) that requires a gradient (positive inputs for log, sqrt, division). */
    public Variable uniform(String name, float lo, float hi, int... shape) { return param(name, Tensor.uniform(gen, lo, hi, shape)); }

    /** Whole-number indices in [0, bound) as float32 on the device (indexSelect, gather, crossEntropy). */
    public Tensor indices(int bound, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = gen.nextInt(bound);
        return on(Tensor.of(v, shape));
    }

    /** Moves the module (built on the CPU from {@link #gen()}) to the device and reports its parameters' gradients and its buffers. */
    public <M extends Module> M module(String name, M m) {
        m.to(device);
        modules.put(name, m);
        m.namedParameters().forEach((p, v) -> leaves.put(name + "." + p, v));
        return m;
    }

    /** Backpropagates {@code Σᵢ Σ wᵢ·outᵢ} and returns the outputs, the leaves' gradients and the modules' buffers. */
    public Map<String, Tensor> lossAndGrads(Variable... outs) {
        Map<String, Tensor> results = new LinkedHashMap<>();
        Variable loss = null;
        for (int i = 0; i < outs.length; i++) {
            Variable o = outs[i];
            results.put("out" + i, o.data());
            Random r = new Random(1000 + i);
            float[] w = new float[o.data().numel()];
            for (int j = 0; j < w.length; j++) w[j] = (float) r.nextGaussian();
            Variable term = o.mul(Variable.constant(on(Tensor.of(w, o.shape())))).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        leaves.forEach((name, v) -> {
            if (v.requiresGrad()) results.put("grad " + name, v.grad());
        });
        modules.forEach((name, m) -> m.namedBuffers().forEach((b, t) -> results.put("buffer " + name + "." + b, t)));
        return results;
    }
}
