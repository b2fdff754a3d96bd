package sslj.tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.testing.DeviceCases;
import sslj.testing.DeviceRun;
import sslj.testing.Devices;

/**
 * The tensor ops that autograd does not reach (comparisons, arg-reductions, sorting, scatter and
 * in-place writes, non-contiguous copies, special values) on each CUDA device ({@link Devices#cuda()})
 * against the CPU backend from the same inputs; the differentiable ops' forward values are covered,
 * with their gradients, by {@code sslj.autograd.DeviceGradTest}.
 *
 * <p>Tolerances: results with no rounding (comparisons, indices, copies, scatter of whole numbers) must
 * be exact; float results allow {@code 1e-5 + 1e-4·|cpu|} for a different summation order and device
 * transcendental functions. NaN must match NaN and each infinity itself ({@code sslj.testing.Close}).
 */
class DeviceTensorTest {
    private static final DeviceCases CASES = new DeviceCases(15485863L);

    private static void exact(String name, Function<DeviceRun, Map<String, Tensor>> body) { add(name, 0, 0, body); }

    private static void close(String name, Function<DeviceRun, Map<String, Tensor>> body) { add(name, 1e-5, 1e-4, body); }

    private static void add(String name, double atol, double rtol, Function<DeviceRun, Map<String, Tensor>> body) { CASES.add(name, atol, rtol, body); }

    private static Map<String, Tensor> named(Tensor... ts) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < ts.length; i++) m.put("out" + i, ts[i]);
        return m;
    }

    /** Distinct values (no ties for argmax / argsort) in random order. */
    private static Tensor distinct(DeviceRun r, int... shape) {
        int n = (int) Shape.numel(shape);
        return r.on(Tensor.rand(r.gen(), n).argsort(0, false).mul(0.1f).sub(0.05f * n).reshape(shape));
    }

    static {
        exact("comparisons (broadcast)", r -> {
            Tensor a = r.on(Tensor.randn(r.gen(), 3, 7)), b = r.on(Tensor.randn(r.gen(), 7)), c = r.on(Tensor.randn(r.gen(), 3, 1));
            return named(a.eq(a.select(0, 1)), a.ne(b), a.gt(b), a.ge(c), a.lt(0f), a.le(c), a.sign(), Tensor.where(a.gt(b), a, c));
        });
        exact("argmax/argsort/max/min (distinct)", r -> {
            Tensor a = distinct(r, 2, 3, 7);
            return named(a.argmax(2, false), a.argmax(0, true), a.argsort(1, false), a.argsort(2, true), a.argsort(0, true),
                    a.max(new int[] {1}, false), a.min(new int[] {0, 2}, true), a.max(), a.min());
        });
        exact("copies of non-contiguous views", r -> {
            Tensor a = r.on(Tensor.randn(r.gen(), 2, 3, 7));
            return named(a.permute(2, 0, 1).contiguous(), a.transpose(0, 2).copy(), a.slice(2, 1, 7, 3).contiguous(),
                    a.select(1, 2).t().contiguous(), a.narrow(2, 3, 4).reshape(24), r.on(Tensor.randn(r.gen(), 3, 1)).expand(3, 7).contiguous(),
                    Tensor.cat(1, a, a.narrow(1, 0, 1)), Tensor.stack(0, a.select(0, 0), a.select(0, 1)));
        });
        exact("in-place writes into views", r -> {
            Tensor a = r.on(Tensor.randn(r.gen(), 3, 7)), b = r.on(Tensor.randn(r.gen(), 7, 3));
            Tensor x = a.copy();
            x.narrow(1, 2, 3).fill_(0.5f);
            x.select(0, 2).copy_(b.select(1, 0));
            Tensor y = a.copy();
            y.t().copy_(b);
            Tensor z = a.copy();
            z.slice(1, 0, 7, 2).mul_(-2f);
            return named(x, y, z);
        });
        exact("scatterAdd/indexPut (whole numbers)", r -> {
            Tensor base = r.indices(5, 4, 7), src = r.indices(9, 3, 7), idx = r.indices(4, 3, 7);
            Tensor rows = r.on(Tensor.of(new float[] {2, 0}, 2));
            Tensor bank = base.copy();
            bank.indexPut_(rows, src.narrow(0, 0, 2));
            return named(base.scatterAdd(0, idx, src), bank, base.indexPut(rows, r.on(Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7}, 7))));
        });
        close("elementwise + reductions on non-contiguous inputs", r -> {
            Tensor a = r.on(Tensor.randn(r.gen(), 2, 7, 3)).transpose(1, 2), b = r.on(Tensor.randn(r.gen(), 3, 7));
            return named(a.add(b).exp(), a.mul(b).sum(new int[] {2}, false), a.sub(b).mean(new int[] {0}, true),
                    a.softmax(2), a.logsumexp(new int[] {1, 2}, false), a.var(new int[] {2}, 1, false), a.matmul(b.t()), b.reciprocal());
        });
        exact("special values", r -> {
            float[] s = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -1f, 1e30f, -1e30f, 100f, -100f};
            Tensor a = r.on(Tensor.of(s, s.length));
            return named(a.abs(), a.neg(), a.relu(), a.sign(), a.clamp(-2f, 3f), a.gt(0f), a.eq(a), a.mul(0f), a.max(new int[] {0}, true));
        });
        // Not exact: the device's exp/sigmoid/tanh round differently, and flush subnormal results to zero as
        // GPUs do (sigmoid(-100) = 3.8e-44 on the CPU, 0 on the device): within atol, NaN and ±inf exact.
        close("special values through transcendentals", r -> {
            float[] s = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -1f, 1e30f, -1e30f, 100f, -100f, 88f, -88f};
            Tensor a = r.on(Tensor.of(s, s.length));
            return named(a.exp(), a.sigmoid(), a.tanh(), a.abs().log(), a.abs().sqrt());
        });
    }

    static Stream<Arguments> cases() { return CASES.arguments(); }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void matchesTheCpu(String name, Device device) { CASES.check(name, device); }
}
