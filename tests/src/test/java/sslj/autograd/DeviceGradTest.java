package sslj.autograd;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.testing.DeviceCases;
import sslj.testing.DeviceRun;
import sslj.testing.Devices;

/**
 * Every differentiable op family, forward and backward, on each CUDA device ({@link Devices#cuda()}:
 * "cuda-emu" always, the real GPU when present) against the CPU backend from the same inputs. The
 * gradcheck suites beside this one prove the CPU gradients right; this one proves the devices agree
 * with them. A case is a named function {@code Device → outputs and gradients} ({@link DeviceRun}); the
 * shapes are tiny and awkward (1, 3, 7: odd lengths, broadcasting, non-contiguous views) so the whole
 * table stays fast on the emulator.
 *
 * <p>Tolerances: float32 throughout, but the device reduces in a different order (tree reductions,
 * tiled GEMM) and its exp/log/tanh are not Java's, so results differ by rounding: elementwise
 * {@code |cpu − dev| ≤ atol + rtol·|cpu|} with {@link #ATOL} = 1e-5 and {@link #RTOL} = 1e-4 (a few
 * hundred ulps, far below any real error such as a wrong index or a missing term); sums over whole
 * tensors and variances, whose small results carry the absolute rounding of large terms, get atol 1e-4.
 */
class DeviceGradTest {
    static final double ATOL = 1e-5, RTOL = 1e-4;

    private static final DeviceCases CASES = new DeviceCases(7919L);

    private static void add(String name, Function<DeviceRun, Map<String, Tensor>> body) { add(name, ATOL, body); }

    private static void add(String name, double atol, Function<DeviceRun, Map<String, Tensor>> body) { CASES.add(name, atol, RTOL, body); }

    static {
        // arithmetic, with broadcasting (gradients reduced back over broadcast dims)
        add("add/sub broadcast", r -> {
            Variable a = r.randn("a", 3, 7), b = r.randn("b", 7), c = r.randn("c", 3, 1);
            return r.lossAndGrads(a.add(b).sub(c), c.sub(b));
        });
        add("mul/div broadcast", r -> {
            Variable a = r.randn("a", 1, 3, 7), b = r.randn("b", 2, 3, 1), d = r.uniform("d", 0.5f, 2f, 7);
            return r.lossAndGrads(a.mul(b).div(d), d.div(b));
        });
        add("scalar ops", r -> {
            Variable a = r.randn("a", 3, 7);
            return r.lossAndGrads(a.add(1.5f).mul(-0.7f).div(3f).neg().sub(0.25f));
        });
        add("maximum/minimum/where", r -> {
            Variable a = r.randn("a", 3, 7), b = r.randn("b", 3, 7), c = r.randn("c", 7);
            Tensor cond = r.on(Tensor.randn(r.gen(), 3, 7)).gt(0f);
            return r.lossAndGrads(a.maximum(b), a.minimum(c), Variable.where(cond, a, c));
        });
        // unary
        add("exp/log/sqrt/rsqrt", r -> {
            Variable a = r.randn("a", 3, 7), p = r.uniform("p", 0.2f, 3f, 3, 7);
            return r.lossAndGrads(a.exp(), p.log(), p.sqrt(), p.rsqrt());
        });
        add("abs/relu/clamp", r -> {
            Variable a = r.randn("a", 3, 7);
            return r.lossAndGrads(a.abs(), a.relu(), a.clamp(-0.5f, 0.7f), a.clampMin(0.1f), a.clampMax(-0.2f));
        });
        add("gelu/sigmoid/tanh", r -> {
            Variable a = r.randn("a", 3, 7);
            return r.lossAndGrads(a.gelu(), a.sigmoid(), a.tanh());
        });
        add("pow/square", r -> {
            Variable a = r.randn("a", 3, 7), p = r.uniform("p", 0.2f, 3f, 7);
            return r.lossAndGrads(a.pow(3f), a.square(), p.pow(0.5f), p.pow(-1.5f));
        });
        // reductions
        add("sum/mean", 1e-4, r -> {
            Variable a = r.randn("a", 2, 3, 7);
            return r.lossAndGrads(a.sum(), a.sum(new int[] {1}, true), a.sum(0, 2), a.mean(), a.mean(new int[] {2}, false), a.mean(0, 1));
        });
        add("max/min", r -> {
            Variable a = r.randn("a", 2, 3, 7);
            return r.lossAndGrads(a.max(), a.max(new int[] {1}, true), a.min(new int[] {0, 2}, false), a.min());
        });
        add("logsumexp/var", 1e-4, r -> {
            Variable a = r.randn("a", 2, 3, 7);
            return r.lossAndGrads(a.logsumexp(new int[] {2}, false), a.logsumexp(new int[] {0, 1}, true),
                    a.var(new int[] {2}, 1, false), a.var(new int[] {0, 2}, 0, true));
        });
        // linalg
        add("matmul", r -> {
            Variable a = r.randn("a", 3, 7), b = r.randn("b", 7, 5), c = r.randn("c", 1, 7);
            return r.lossAndGrads(a.matmul(b), c.matmul(b));
        });
        add("matmul batched + broadcast", r -> {
            Variable a = r.randn("a", 2, 3, 7), b = r.randn("b", 7, 5), c = r.randn("c", 2, 5, 3);
            return r.lossAndGrads(a.matmul(b), c.matmul(a));
        });
        add("matmul transposed operands", r -> {
            Variable at = r.randn("at", 7, 3), b = r.randn("b", 7, 5), bt = r.randn("bt", 5, 7), a = r.randn("a", 3, 7);
            Variable x = r.randn("x", 2, 7, 3), y = r.randn("y", 2, 7, 5);
            return r.lossAndGrads(at.t().matmul(b), a.matmul(bt.t()), at.t().matmul(bt.t()), x.transpose(-2, -1).matmul(y));
        });
        // views
        add("reshape/permute/transpose/expand", r -> {
            Variable a = r.randn("a", 2, 3, 7), b = r.randn("b", 3, 1);
            return r.lossAndGrads(a.reshape(6, 7).mul(a.permute(2, 0, 1).reshape(7, 6).t()),
                    a.transpose(0, 2).add(1f).exp(), b.expand(2, 3, 7).mul(a), a.view(42).unsqueeze(0).squeeze(0));
        });
        add("narrow/slice/select", r -> {
            Variable a = r.randn("a", 3, 7);
            return r.lossAndGrads(a.narrow(1, 2, 3).square(), a.slice(1, 1, 7, 2).mul(a.slice(1, 0, 6, 2)), a.select(0, 1).tanh(), a.select(1, 6));
        });
        add("cat/stack/split", r -> {
            Variable a = r.randn("a", 3, 7), b = r.randn("b", 1, 7);
            List<Variable> parts = a.split(3, 1);
            return r.lossAndGrads(Variable.cat(0, a, b, a), Variable.stack(1, a, a.mul(2f)), parts.get(0).mul(parts.get(2).sum(new int[] {1}, true)), parts.get(1));
        });
        // indexing
        add("indexSelect/gather (repeated indices)", r -> {
            Variable a = r.randn("a", 3, 7);
            Tensor rows = r.indices(3, 5), cols = r.indices(7, 9), g = r.indices(7, 3, 4);
            return r.lossAndGrads(a.indexSelect(0, rows), a.indexSelect(1, cols), a.gather(1, g));
        });
        // softmax family
        add("softmax/logSoftmax", r -> {
            Variable a = r.randn("a", 2, 3, 7).mul(3f);
            return r.lossAndGrads(a.softmax(-1), a.softmax(1), a.logSoftmax(2), a.logSoftmax(0));
        });
        add("l2Normalize/crossEntropy", r -> {
            Variable a = r.randn("a", 3, 7), logits = r.randn("logits", 5, 7);
            Tensor targets = r.indices(7, 5);
            return r.lossAndGrads(a.l2Normalize(1), a.l2Normalize(0), logits.crossEntropy(targets));
        });
    }

    static Stream<Arguments> cases() { return CASES.arguments(); }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void matchesTheCpu(String name, Device device) { CASES.check(name, device); }
}
