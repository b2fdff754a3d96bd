package sslj.kernels.backend;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.tensor.Device;
import sslj.tensor.ReduceOp;
import sslj.tensor.Tensor;
import sslj.testing.Close;

/**
 * reduce.ptx through the CUDA backend, against the CPU backend on the same inputs. The GPU sums in
 * float32 in a fixed tree order, the CPU in double: sums and means are compared with atol 1e-4
 * (rows of up to 300 values of N(0, 2²): float rounding ~ n·2^-24·|x|) and rtol 1e-5; max, min and
 * argmax exactly; logsumexp, softmax, log-softmax (ex2/lg2.approx) and l2-normalise with atol 1e-5,
 * rtol 1e-5.
 */
class CudaReduceTest {

    static List<Device> devices() { return GpuDevices.all(); }

    private static double[] tol(ReduceOp op) {
        return switch (op) {
            case SUM, MEAN -> new double[] {1e-4, 1e-5};
            case MAX, MIN -> new double[] {0, 0};
            case LOGSUMEXP -> new double[] {1e-5, 1e-5};
        };
    }

    private static void same(String what, Tensor ref, Tensor out, double atol, double rtol) {
        Close.assertClose(what, ref.shape(), Close.toDouble(ref.toFloatArray()), out, atol, rtol);
    }

    private static void check(Device dev, Tensor x, Function<Tensor, Tensor> f, String what, double atol, double rtol) {
        same(what + " on " + dev, f.apply(x), f.apply(x.to(dev)), atol, rtol);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void reductionsOverDimsWithAndWithoutKeepdim(Device dev) {
        GpuDevices.backend(dev).setPoisonResults(true);
        int[][] shapes = {{1}, {7}, {129}, {300}, {7, 33}, {3, 5, 33}, {2, 3, 4, 5}};
        int[][][] dimSets = {{{0}}, {{0}}, {{0}}, {{0}}, {{0}, {1}, {0, 1}}, {{1}, {0, 2}, {2}, {0, 1, 2}}, {{1, 2}, {0, 3}, {3}, {1, 3}}};
        for (int s = 0; s < shapes.length; s++) {
            Tensor x = GpuDevices.cpu(shapes[s], 100 + s, 2f);
            for (int[] dims : dimSets[s]) {
                for (boolean keep : new boolean[] {false, true}) {
                    for (ReduceOp op : ReduceOp.values()) {
                        double[] t = tol(op);
                        String what = op + " over " + java.util.Arrays.toString(dims) + " of " + java.util.Arrays.toString(shapes[s]) + " keepdim=" + keep;
                        check(dev, x, v -> v.backend().reduce(op, v, dims, keep), what, t[0], t[1]);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void reductionsOfNonContiguousViews(Device dev) {
        Tensor x = GpuDevices.cpu(new int[] {33, 7}, 5, 2f);
        for (ReduceOp op : ReduceOp.values()) {
            double[] t = tol(op);
            check(dev, x, v -> v.backend().reduce(op, v.t(), new int[] {1}, false), op + " of transposed", t[0], t[1]);
            check(dev, x, v -> v.backend().reduce(op, v.slice(0, 1, 33, 2), new int[] {0}, true), op + " of sliced", t[0], t[1]);
            check(dev, x.select(1, 2), v -> v.backend().reduce(op, v.unsqueeze(0).expand(5, 33), new int[] {1}, false), op + " of expanded", t[0], t[1]);
        }
        check(dev, x, v -> v.var(new int[] {0}, 1, false), "var", 1e-4, 1e-5);
        check(dev, x, Tensor::sum, "sum of all", 1e-3, 1e-5);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void nanAndInfinityFollowTheCpu(Device dev) {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        Tensor x = Tensor.of(new float[][] {
                {1, nan, 3, 2}, {-inf, -inf, -inf, -inf}, {1, inf, 2, 3}, {-inf, 0, 5, 5}, {nan, nan, 1, 9}});
        for (ReduceOp op : ReduceOp.values()) {
            check(dev, x, v -> v.backend().reduce(op, v, new int[] {1}, false), op + " with NaN/inf rows", 1e-6, 1e-6);
        }
        check(dev, x, v -> v.argmax(1, false), "argmax with NaN/inf rows", 0, 0);
        check(dev, x, v -> v.softmax(1), "softmax with NaN/inf rows", 1e-6, 1e-5);
        check(dev, x, v -> v.logSoftmax(1), "log-softmax with NaN/inf rows", 1e-6, 1e-5);
        check(dev, x, v -> v.l2Normalize(1), "l2Normalize with NaN/inf rows", 1e-6, 1e-5);
        Tensor empty = Tensor.zeros(3, 0);
        check(dev, empty, v -> v.sum(new int[] {1}, false), "sum over an empty dim", 0, 0);
        check(dev, empty, v -> v.mean(new int[] {1}, false), "mean over an empty dim", 0, 0);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void argmaxTakesTheFirstOfTies(Device dev) {
        GpuDevices.backend(dev).setPoisonResults(true);
        Tensor ties = Tensor.of(new float[][] {{3, 1, 3, 3}, {0, 0, 0, 0}, {-1, 2, 2, -5}});
        check(dev, ties, v -> v.argmax(1, true), "argmax ties", 0, 0);
        check(dev, ties, v -> v.argmax(0, false), "argmax ties dim 0", 0, 0);
        // a row longer than a block (300 > 256) with its maximum repeated in two threads' shares
        float[] row = GpuDevices.values(300, 9, 1f);
        row[40] = 10f;
        row[296] = 10f;
        check(dev, Tensor.of(row, 1, 300), v -> v.argmax(1, false), "argmax of 300", 0, 0);
        Tensor x = GpuDevices.cpu(new int[] {3, 5, 33}, 8, 1f);
        for (int d = 0; d < 3; d++) {
            int dim = d;
            check(dev, x, v -> v.argmax(dim, false), "argmax dim " + d, 0, 0);
            check(dev, x, v -> v.permute(2, 0, 1).argmax(dim, true), "argmax of permuted dim " + d, 0, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void softmaxAndNormaliseAlongEveryDim(Device dev) {
        GpuDevices.backend(dev).setPoisonResults(true);
        for (int[] shape : new int[][] {{1}, {7}, {300}, {7, 33}, {3, 5, 33}}) {
            Tensor x = GpuDevices.cpu(shape, 50 + shape.length, 3f);
            for (int d = 0; d < shape.length; d++) {
                int dim = d;
                String at = java.util.Arrays.toString(shape) + " dim " + d;
                check(dev, x, v -> v.softmax(dim), "softmax " + at, 1e-6, 1e-5);
                check(dev, x, v -> v.logSoftmax(dim), "log-softmax " + at, 1e-5, 1e-5);
                check(dev, x, v -> v.l2Normalize(dim), "l2Normalize " + at, 1e-6, 1e-5);
            }
        }
        Tensor x = GpuDevices.cpu(new int[] {33, 7}, 60, 3f);
        check(dev, x, v -> v.t().softmax(1), "softmax of transposed", 1e-6, 1e-5);
        check(dev, x, v -> v.slice(0, 0, 33, 3).logSoftmax(0), "log-softmax of sliced", 1e-5, 1e-5);
        check(dev, x, v -> v.t().l2Normalize(0), "l2Normalize of transposed", 1e-6, 1e-5);
        check(dev, Tensor.zeros(3, 4), v -> v.l2Normalize(1), "l2Normalize of zero rows (eps)", 0, 0);
        check(dev, x, v -> v.mul(100f).softmax(1), "softmax of large logits", 1e-6, 1e-5);
    }
}
