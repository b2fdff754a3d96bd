package sslj.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.tensor.BinaryOp;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.tensor.UnaryOp;
import sslj.testing.Close;

/**
 * elementwise.ptx through the CUDA backend, against the CPU backend on the same inputs.
 *
 * <p>Tolerances (|ref − out| ≤ atol + rtol·|ref|). Exact (0, 0): every op whose kernel uses IEEE
 * round-to-nearest arithmetic or none — copies, neg, abs, sign, relu, square, reciprocal, sqrt, the
 * scalar ops, add, sub, mul, div, max, min, comparisons, where. Approximate: exp, sigmoid, rsqrt
 * (ex2 / rsqrt .approx, ≤ 2 ulp plus the rounding of x·log2 e): atol 1e-6, rtol 2e-6; log (lg2.approx,
 * absolute error ~2e-7 near 1): atol 1e-6, rtol 2e-6; tanh, gelu, gelu_grad: atol 2e-6, rtol 1e-5;
 * pow (2^(c·log2|x|), the error of log2 scaled by c): atol 1e-6, rtol 1e-5. Inputs are N(0, 2²).
 */
class CudaElementwiseTest {

    static List<Device> devices() { return GpuDevices.all(); }

    private static final int[][] SHAPES = {{1}, {3}, {7}, {33}, {129}, {7, 33}, {3, 1, 7}};

    static double[] tolerance(UnaryOp op) {
        return switch (op) {
            case EXP, SIGMOID, RSQRT, LOG -> new double[] {1e-6, 2e-6};
            case TANH, GELU, GELU_GRAD -> new double[] {2e-6, 1e-5};
            case POW -> new double[] {1e-6, 1e-5};
            default -> new double[] {0, 0};
        };
    }

    static float scalarFor(UnaryOp op) {
        return switch (op) {
            case POW -> 2.5f;
            case ADD_SCALAR -> 0.75f;
            case MUL_SCALAR -> -1.5f;
            case MAX_SCALAR, MIN_SCALAR -> 0.25f;
            case FILL -> 7f;
            default -> 0f;
        };
    }

    private static void checkUnary(Device dev, UnaryOp op, float c, Tensor xCpu, java.util.function.UnaryOperator<Tensor> view, String what) {
        Tensor ref = Device.CPU.backend().unary(op, view.apply(xCpu), c);
        Tensor out = dev.backend().unary(op, view.apply(xCpu.to(dev)), c);
        double[] tol = tolerance(op);
        Close.assertClose(what + " " + op + " on " + dev, ref.shape(), Close.toDouble(ref.toFloatArray()), out, tol[0], tol[1]);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void everyUnaryOpOnAwkwardShapes(Device dev) {
        GpuDevices.backend(dev).setPoisonResults(true);
        for (UnaryOp op : UnaryOp.values()) {
            float c = scalarFor(op);
            for (int[] shape : SHAPES) {
                Tensor x = GpuDevices.cpu(shape, 7 + shape.length, 2f);
                if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.POW) x = x.abs().add(0.01f);
                checkUnary(dev, op, c, x, t -> t, java.util.Arrays.toString(shape));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void unaryOpsOnNonContiguousViews(Device dev) {
        Tensor x = GpuDevices.cpu(new int[] {7, 33}, 3, 2f);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.IDENTITY, UnaryOp.EXP, UnaryOp.RELU, UnaryOp.MUL_SCALAR, UnaryOp.GELU}) {
            checkUnary(dev, op, 0.5f, x, Tensor::t, "transposed");
            checkUnary(dev, op, 0.5f, x, t -> t.slice(1, 1, 30, 3), "sliced");
            checkUnary(dev, op, 0.5f, x, t -> t.narrow(0, 2, 3).narrow(1, 5, 17), "narrowed (offset)");
            checkUnary(dev, op, 0.5f, x, t -> t.select(1, 4).unsqueeze(1).expand(7, 9), "expanded");
        }
        // five dims that no merge can shorten: Geometry splits the launch on the host
        Tensor y = GpuDevices.cpu(new int[] {2, 3, 2, 3, 2}, 4, 1f);
        checkUnary(dev, UnaryOp.NEG, 0f, y, t -> t.permute(4, 2, 0, 3, 1), "rank-5 permuted");
        checkUnary(dev, UnaryOp.NEG, 0f, y, t -> t.permute(4, 2, 0, 3, 1).slice(0, 0, 2, 1), "rank-5 sliced");
    }

    @ParameterizedTest
    @MethodSource("devices")
    void unaryOpsOnSpecialValues(Device dev) {
        Tensor x = Tensor.of(GpuDevices.SPECIALS);
        for (UnaryOp op : UnaryOp.values()) {
            float c = op == UnaryOp.POW ? 3f : scalarFor(op);
            checkUnary(dev, op, c, x, t -> t, "specials");
        }
        // pow: negative bases with whole exponents, x^0 = 1 even for NaN
        for (float c : new float[] {2f, -1f, 0f, 0.5f}) checkUnary(dev, UnaryOp.POW, c, x, t -> t, "specials c=" + c);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void everyBinaryOpWithBroadcasting(Device dev) {
        GpuDevices.backend(dev).setPoisonResults(true);
        Tensor a = GpuDevices.cpu(new int[] {7, 33}, 11, 2f).abs().add(0.1f);
        Tensor b = GpuDevices.cpu(new int[] {33}, 12, 2f);
        Tensor col = GpuDevices.cpu(new int[] {7, 1}, 13, 2f);
        Tensor s = Tensor.scalar(1.5f);
        for (BinaryOp op : BinaryOp.values()) {
            double atol = op == BinaryOp.POW ? 1e-6 : 0, rtol = op == BinaryOp.POW ? 1e-5 : 0;
            checkBinary(dev, op, a, b, atol, rtol, "[7,33] op [33]");
            checkBinary(dev, op, b, a, atol, rtol, "[33] op [7,33]");
            checkBinary(dev, op, col, b.reshape(1, 33), atol, rtol, "[7,1] op [1,33]");
            checkBinary(dev, op, a.t(), col.t(), atol, rtol, "transposed op transposed");
            checkBinary(dev, op, a.slice(1, 0, 33, 4), s, atol, rtol, "sliced op scalar");
            checkBinary(dev, op, a, a, atol, rtol, "contiguous op contiguous");
        }
    }

    private static void checkBinary(Device dev, BinaryOp op, Tensor a, Tensor b, double atol, double rtol, String what) {
        Tensor ref = binaryOf(op, a, b);
        Tensor out = binaryOf(op, a.to(dev), b.to(dev));
        Close.assertClose(what + " " + op + " on " + dev, ref.shape(), Close.toDouble(ref.toFloatArray()), out, atol, rtol);
    }

    private static Tensor binaryOf(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = sslj.tensor.Shape.broadcast("test", a.shape(), b.shape());
        return a.backend().binary(op, a.expand(shape), b.expand(shape));
    }

    @ParameterizedTest
    @MethodSource("devices")
    void binaryOpsOnSpecialValues(Device dev) {
        float[] sp = GpuDevices.SPECIALS;
        int n = sp.length;
        Tensor a = Tensor.of(sp).reshape(n, 1).expand(n, n);
        Tensor b = Tensor.of(sp).reshape(1, n).expand(n, n);
        for (BinaryOp op : BinaryOp.values()) {
            if (op == BinaryOp.POW) continue; // every pair, including bases like -2.5 with exponent 1e30: see below
            checkBinary(dev, op, a, b, 0, 0, "specials x specials");
        }
        Tensor base = Tensor.of(Float.NaN, 0f, -0f, 2f, -2f, Float.POSITIVE_INFINITY, -3f, 1f);
        Tensor exp = Tensor.of(0f, 2f, 3f, -1f, 3f, -2f, 0.5f, Float.NaN);
        checkBinary(dev, BinaryOp.POW, base, exp, 1e-6, 1e-5, "pow specials");
    }

    @ParameterizedTest
    @MethodSource("devices")
    void whereReadsTheChosenInput(Device dev) {
        Tensor cond = Tensor.of(new float[] {0f, 1f, Float.NaN, -0f, 2f, 0f, 0f}, 7, 1);
        Tensor a = GpuDevices.cpu(new int[] {7, 33}, 21, 1f);
        Tensor b = GpuDevices.cpu(new int[] {33}, 22, 1f);
        Tensor ref = Tensor.where(cond, a, b);
        Tensor out = Tensor.where(cond.to(dev), a.to(dev), b.to(dev));
        Close.assertExact("where on " + dev, ref.shape(), Close.toDouble(ref.toFloatArray()), out);
        Tensor refT = Tensor.where(cond.t(), a.t(), b.reshape(33, 1));
        Tensor outT = Tensor.where(cond.to(dev).t(), a.to(dev).t(), b.to(dev).reshape(33, 1));
        Close.assertExact("where transposed on " + dev, refT.shape(), Close.toDouble(refT.toFloatArray()), outT);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void copiesIntoViewsAndContiguous(Device dev) {
        Tensor x = GpuDevices.cpu(new int[] {7, 33}, 31, 1f);
        Tensor g = x.to(dev);
        // contiguous() of a transposed view
        Close.assertExact("contiguous", new int[] {33, 7}, Close.toDouble(x.t().contiguous().toFloatArray()), g.t().contiguous());
        // copy_ into a strided view, broadcasting a row
        Tensor dstCpu = Tensor.zeros(7, 33), dstGpu = Tensor.zeros(dev, 7, 33);
        dstCpu.slice(1, 1, 33, 2).copy_(x.select(0, 3).slice(0, 0, 16, 1));
        dstGpu.slice(1, 1, 33, 2).copy_(g.select(0, 3).slice(0, 0, 16, 1));
        Close.assertExact("copy_ into a view", dstCpu.shape(), Close.toDouble(dstCpu.toFloatArray()), dstGpu);
        // overlapping copy within one storage (read all, then write)
        Tensor selfCpu = x.copy(), selfGpu = g.copy();
        selfCpu.narrow(1, 1, 32).copy_(selfCpu.narrow(1, 0, 32));
        selfGpu.narrow(1, 1, 32).copy_(selfGpu.narrow(1, 0, 32));
        Close.assertExact("overlapping copy_", selfCpu.shape(), Close.toDouble(selfCpu.toFloatArray()), selfGpu);
        // fill_ of a view
        Tensor f = Tensor.zeros(dev, 3, 7);
        f.narrow(1, 2, 3).fill_(5f);
        assertEquals(15f * 3, f.sum().item());
        // concat along each dim
        Tensor y = GpuDevices.cpu(new int[] {7, 5}, 32, 1f);
        Tensor cat = Tensor.cat(1, x.to(dev), y.to(dev), x.narrow(1, 0, 0).to(dev));
        Close.assertExact("cat", new int[] {7, 38}, Close.toDouble(Tensor.cat(1, x, y).toFloatArray()), cat);
        Tensor stacked = Tensor.stack(0, g.t(), g.t());
        Close.assertExact("stack", new int[] {2, 33, 7}, Close.toDouble(Tensor.stack(0, x.t(), x.t()).toFloatArray()), stacked);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void roundTripsAndItem(Device dev) {
        float[] v = GpuDevices.values(129, 41, 3f);
        Tensor g = Tensor.of(v, 129).to(dev);
        assertTrue(java.util.Arrays.equals(v, g.toFloatArray()), "upload/download is bit-exact");
        assertEquals(v[17], g.narrow(0, 17, 1).item());
        assertEquals(v[5], g.get(5));
        assertEquals(0, Tensor.zeros(dev, 0, 3).toFloatArray().length);
        assertEquals(0f, Tensor.zeros(dev, 4).sum().item());
        assertEquals(dev, g.to(Device.CPU).add(Tensor.scalar(1f)).to(dev).device());
    }

    @Test
    void mixingDevicesNamesBoth() {
        Device emu = GpuDevices.emulated();
        Tensor a = Tensor.ones(3), b = Tensor.ones(3).to(emu);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("cpu") && e.getMessage().contains("cuda-emu:0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.matmul(a.reshape(3, 1)));
        assertTrue(e.getMessage().contains("cpu") && e.getMessage().contains("cuda-emu:0"), e.getMessage());
        // a backend handed a foreign tensor directly says so too
        e = assertThrows(IllegalArgumentException.class, () -> emu.backend().unary(UnaryOp.NEG, a, 0f));
        assertTrue(e.getMessage().contains("cpu") && e.getMessage().contains("cuda-emu:0"), e.getMessage());
    }

    @Test
    void geometryMergesWhatIsContiguousAndSplitsRanksAboveFour() {
        List<Geometry.Part> flat = Geometry.plan(new int[] {4, 5, 6}, new int[] {30, 6, 1}, new int[] {30, 6, 1});
        assertEquals(1, flat.size());
        assertTrue(flat.get(0).flat());
        List<Geometry.Part> bias = Geometry.plan(new int[] {4, 5, 6}, new int[] {30, 6, 1}, new int[] {0, 0, 1});
        assertEquals(1, bias.size());
        assertFalse(bias.get(0).flat());
        assertEquals(120, bias.get(0).n());
        int[] shape = {2, 3, 2, 3, 2, 2};
        int[] perm = {4, 12, 2, 24, 1, 6}; // no two neighbours merge
        List<Geometry.Part> split = Geometry.plan(shape, Geometry.contiguous(shape), perm);
        assertEquals(6, split.size());
        assertEquals(24, split.get(0).n());
    }
}
