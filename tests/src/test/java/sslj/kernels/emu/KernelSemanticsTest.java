package sslj.kernels.emu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.kernels.RuntimesUnderTest;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.Dim3;
import sslj.kernels.runtime.GpuException;
import sslj.kernels.runtime.GpuKernel;
import sslj.kernels.runtime.GpuModule;
import sslj.kernels.runtime.GpuRuntime;
import sslj.kernels.runtime.KernelArgs;

/**
 * The emulator's test kernels checked against plain Java, on every runtime of {@link RuntimesUnderTest}
 * (nothing here relies on emulator-only behaviour). Sizes are awkward on purpose: 1, 31, 1000, 4097
 * are not multiples of the block size.
 */
class KernelSemanticsTest {
    private static final String VECTOR_ADD = "/sslj/kernels/emu/vector_add.ptx";
    private static final String BLOCK_REDUCE = "/sslj/kernels/emu/block_reduce.ptx";
    private static final String WARP_OPS = "/sslj/kernels/emu/warp_ops.ptx";
    private static final String ATOMICS = "/sslj/kernels/emu/atomics.ptx";
    private static final String NUMERIC = "/sslj/kernels/emu/numeric.ptx";
    private static final int[] SIZES = {1, 31, 1000, 4097};

    static Stream<Arguments> runtimesAndSizes() {
        // A fresh runtime per case; each test closes its runtime.
        return java.util.Arrays.stream(SIZES).boxed()
                .flatMap(n -> RuntimesUnderTest.all().stream().map(rt -> Arguments.of(rt, n)));
    }

    static Stream<GpuRuntime> runtimes() { return RuntimesUnderTest.all().stream(); }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    private static DevicePtr upload(GpuRuntime rt, float[] x) {
        DevicePtr p = rt.malloc(4L * x.length);
        rt.copyToDevice(p, x, 0, x.length);
        return p;
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("runtimesAndSizes")
    void vectorAddMatchesJava(GpuRuntime rt, int n) {
        float[] a = random(n, 1);
        float[] b = random(n, 2);
        DevicePtr da = upload(rt, a);
        DevicePtr db = upload(rt, b);
        DevicePtr dout = rt.malloc(4L * n);
        GpuKernel k = rt.kernel(rt.loadModule(VECTOR_ADD), "vecAdd");
        rt.launch(k, Dim3.of(Check.blocks(n, 256)), Dim3.of(256), 0, KernelArgs.of().ptr(da).ptr(db).ptr(dout).i32(n));
        float[] out = new float[n];
        rt.copyToHost(out, 0, dout, n);
        float[] ref = new float[n];
        for (int i = 0; i < n; i++) ref[i] = a[i] + b[i];
        Check.close("vecAdd n=" + n, ref, out, 0f, 0f);
        rt.free(da);
        rt.free(db);
        rt.free(dout);
        rt.close();
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("runtimesAndSizes")
    void blockReductionMatchesJava(GpuRuntime rt, int n) {
        for (int block : new int[] {64, 256}) {
            float[] x = random(n, 3);
            int blocks = Check.blocks(n, block);
            DevicePtr din = upload(rt, x);
            DevicePtr dout = rt.malloc(4L * blocks);
            GpuKernel k = rt.kernel(rt.loadModule(BLOCK_REDUCE), "blockSum");
            rt.launch(k, Dim3.of(blocks), Dim3.of(block), 4 * block, KernelArgs.of().ptr(din).ptr(dout).i32(n));
            float[] out = new float[blocks];
            rt.copyToHost(out, 0, dout, blocks);
            float[] ref = new float[blocks];
            for (int i = 0; i < n; i++) ref[i / block] += x[i];
            Check.close("blockSum n=" + n + " block=" + block, ref, out, 1e-5f, 1e-5f);
            rt.free(din);
            rt.free(dout);
        }
        rt.close();
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("runtimesAndSizes")
    void warpReductionsMatchJava(GpuRuntime rt, int n) {
        float[] x = random(n, 4);
        int warps = (n + 31) / 32;
        float[] ref = new float[warps];
        for (int i = 0; i < n; i++) ref[i / 32] += x[i];
        GpuModule m = rt.loadModule(WARP_OPS);
        for (String name : new String[] {"warpSumBfly", "warpSumDown"}) {
            DevicePtr din = upload(rt, x);
            // Whole blocks of 128 threads: the last block's extra warps write past out[warps - 1], so size out by blocks.
            int blocks = Check.blocks(n, 128);
            DevicePtr dout = rt.malloc(4L * blocks * 4);
            rt.launch(rt.kernel(m, name), Dim3.of(blocks), Dim3.of(128), 0, KernelArgs.of().ptr(din).ptr(dout).i32(n));
            float[] out = new float[warps];
            rt.copyToHost(out, 0, dout, warps);
            Check.close(name + " n=" + n, ref, out, 1e-5f, 1e-5f);
            rt.free(din);
            rt.free(dout);
        }
        rt.close();
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void shuffleAndVoteFollowThePtxIsa(GpuRuntime rt) {
        try (rt) {
            int[] x = new int[32];
            for (int i = 0; i < 32; i++) x[i] = i % 5 == 0 ? 0 : 100 + i;
            DevicePtr din = rt.malloc(4 * 32);
            rt.copyToDevice(din, x, 0, 32);
            DevicePtr dout = rt.malloc(4 * 9 * 32);
            rt.launch(rt.kernel(rt.loadModule(WARP_OPS), "warpProbe"), Dim3.of(1), Dim3.of(32), 0, KernelArgs.of().ptr(din).ptr(dout));
            int[] out = new int[9 * 32];
            rt.copyToHost(out, 0, dout, 9 * 32);
            int ballot = 0;
            for (int l = 0; l < 32; l++) if (x[l] != 0) ballot |= 1 << l;
            for (int l = 0; l < 32; l++) {
                int[] row = java.util.Arrays.copyOfRange(out, 9 * l, 9 * l + 9);
                int[] expected = {
                    l >= 1 ? x[l - 1] : x[l], l >= 1 ? 1 : 0,      // up by 1: lane 0 keeps its value
                    l + 3 <= 31 ? x[l + 3] : x[l], l + 3 <= 31 ? 1 : 0, // down by 3: the last 3 lanes keep theirs
                    x[5],                                            // idx 5
                    x[l / 8 * 8],                                    // idx 0 within segments of 8
                    x[l ^ 1],                                        // bfly 1
                    ballot,
                    0 | 2 | 0,                                       // all false, any true, uni false
                };
                assertArrayEquals(expected, row, "lane " + l);
            }
        }
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("runtimesAndSizes")
    void atomicHistogramAndSumMatchJava(GpuRuntime rt, int n) {
        int nbins = 7;
        Random r = new Random(5);
        int[] values = new int[n];
        for (int i = 0; i < n; i++) values[i] = r.nextInt(1000);
        DevicePtr din = rt.malloc(4L * n);
        rt.copyToDevice(din, values, 0, n);
        DevicePtr bins = rt.malloc(4L * nbins);
        rt.memset32(bins, 0, nbins);
        GpuModule m = rt.loadModule(ATOMICS);
        rt.launch(rt.kernel(m, "histogram"), Dim3.of(Check.blocks(n, 256)), Dim3.of(256), 0,
                KernelArgs.of().ptr(din).ptr(bins).i32(n).i32(nbins));
        int[] out = new int[nbins];
        rt.copyToHost(out, 0, bins, nbins);
        int[] ref = new int[nbins];
        for (int v : values) ref[v % nbins]++;
        assertArrayEquals(ref, out, "histogram n=" + n);

        float[] x = random(n, 6);
        DevicePtr dx = upload(rt, x);
        DevicePtr total = rt.malloc(4);
        rt.memset32(total, 0, 1);
        rt.launch(rt.kernel(m, "atomicSum"), Dim3.of(Check.blocks(n, 256)), Dim3.of(256), 0, KernelArgs.of().ptr(dx).ptr(total).i32(n));
        float[] sum = new float[1];
        rt.copyToHost(sum, 0, total, 1);
        double refSum = 0;
        for (float v : x) refSum += v;
        Check.close("atomicSum n=" + n, new float[] {(float) refSum}, sum, 1e-3f, 1e-4f);
        rt.free(din);
        rt.free(bins);
        rt.free(dx);
        rt.free(total);
        rt.close();
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void cvtRoundsAsAskedAndSaturates(GpuRuntime rt) {
        try (rt) {
            float[] x = {2.5f, -2.5f, 1.5f, -1.5f, 0.49999997f, 7.9f, -7.9f, 3e9f, -3e9f, Float.NaN, -0.0f, 1e-30f};
            int n = x.length;
            DevicePtr din = upload(rt, x);
            DevicePtr dout = rt.malloc(4L * 5 * n);
            GpuModule m = rt.loadModule(NUMERIC);
            rt.launch(rt.kernel(m, "cvtToInt"), Dim3.of(1), Dim3.of(64), 0, KernelArgs.of().ptr(din).ptr(dout).i32(n));
            int[] out = new int[5 * n];
            rt.copyToHost(out, 0, dout, 5 * n);
            for (int i = 0; i < n; i++) {
                double v = x[i];
                int[] expected = {
                    saturate(Math.rint(v)), saturate(v < 0 ? Math.ceil(v) : Math.floor(v)),
                    saturate(Math.floor(v)), saturate(Math.ceil(v)),
                    Float.isNaN(x[i]) || v <= 0 ? 0 : (int) (long) Math.min(4294967295.0, Math.floor(v)),
                };
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 5 * i, 5 * i + 5), "cvt of " + x[i]);
            }

            // Integers past 2^24 fall between floats: each rounding picks its neighbour.
            int[] ints = {16777217, 16777219, -16777217, Integer.MAX_VALUE, Integer.MIN_VALUE, 0, -1};
            float[][] expected = {
                {16777216f, 16777216f, 16777216f, 16777218f},
                {16777220f, 16777218f, 16777218f, 16777220f},
                {-16777216f, -16777216f, -16777218f, -16777216f},
                {2147483648f, 2147483520f, 2147483520f, 2147483648f},
                {-2147483648f, -2147483648f, -2147483648f, -2147483648f},
                {0f, 0f, 0f, 0f},
                {-1f, -1f, -1f, -1f},
            };
            DevicePtr dints = rt.malloc(4L * ints.length);
            rt.copyToDevice(dints, ints, 0, ints.length);
            DevicePtr dfl = rt.malloc(16L * ints.length);
            rt.launch(rt.kernel(m, "cvtToFloat"), Dim3.of(1), Dim3.of(64), 0, KernelArgs.of().ptr(dints).ptr(dfl).i32(ints.length));
            float[] fl = new float[4 * ints.length];
            rt.copyToHost(fl, 0, dfl, fl.length);
            for (int i = 0; i < ints.length; i++) {
                assertArrayEquals(expected[i], java.util.Arrays.copyOfRange(fl, 4 * i, 4 * i + 4), "cvt of " + ints[i]);
            }
        }
    }

    private static int saturate(double v) {
        if (Double.isNaN(v)) return 0;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void setpOrderedAndUnorderedComparisonsWithNaN(GpuRuntime rt) {
        try (rt) {
            float nan = Float.NaN;
            float inf = Float.POSITIVE_INFINITY;
            float[] a = {1f, 2f, 1f, nan, 1f, nan, -0f, inf, -inf};
            float[] b = {2f, 1f, 1f, 1f, nan, nan, 0f, inf, 1f};
            int n = a.length;
            DevicePtr da = upload(rt, a);
            DevicePtr db = upload(rt, b);
            DevicePtr dout = rt.malloc(4L * n);
            rt.launch(rt.kernel(rt.loadModule(NUMERIC), "setpProbe"), Dim3.of(1), Dim3.of(64), 0,
                    KernelArgs.of().ptr(da).ptr(db).ptr(dout).i32(n));
            int[] out = new int[n];
            rt.copyToHost(out, 0, dout, n);
            for (int i = 0; i < n; i++) {
                float x = a[i];
                float y = b[i];
                boolean unordered = Float.isNaN(x) || Float.isNaN(y);
                boolean[] bits = {
                    x == y, !unordered && x != y, x < y, x <= y, x > y, x >= y,
                    unordered || x == y, unordered || x != y, unordered || x < y, unordered || x <= y,
                    unordered || x > y, unordered || x >= y, !unordered, unordered,
                    x < y && !Float.isNaN(x),
                };
                int expected = 0;
                for (int k = 0; k < bits.length; k++) if (bits[k]) expected |= 1 << k;
                assertEquals(Integer.toBinaryString(expected), Integer.toBinaryString(out[i]), "setp of " + x + ", " + y);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void modulesAreCachedAndUnknownNamesAreErrors(GpuRuntime rt) {
        try (rt) {
            GpuModule m = rt.loadModule(VECTOR_ADD);
            assertSame(m, rt.loadModule(VECTOR_ADD));
            GpuException e = assertThrows(GpuException.class, () -> rt.kernel(m, "vecAddTypo"));
            assertTrue(e.getMessage().contains("vecAddTypo"), e.getMessage());
            assertThrows(GpuException.class, () -> rt.loadModule("/sslj/kernels/emu/no_such_module.ptx"));
        }
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void freeingTwiceOrAForeignPointerIsAnError(GpuRuntime rt) {
        try (rt) {
            DevicePtr p = rt.malloc(64);
            rt.free(p);
            assertThrows(GpuException.class, () -> rt.free(p));
            assertThrows(GpuException.class, () -> rt.free(new DevicePtr(12345, 4)));
        }
    }

    private static final String ALU = "/sslj/kernels/emu/alu.ptx";

    @ParameterizedTest
    @MethodSource("runtimes")
    void integerArithmeticMatchesJava(GpuRuntime rt) {
        try (rt) {
            int[] a = {7, -7, 123456789, Integer.MIN_VALUE, -1, 0x40000000, 5, 0};
            int[] b = {2, 2, -987654, -1, 33, 0x7fffffff, -3, 31};
            int n = a.length;
            DevicePtr da = rt.malloc(4L * n);
            DevicePtr db = rt.malloc(4L * n);
            rt.copyToDevice(da, a, 0, n);
            rt.copyToDevice(db, b, 0, n);
            DevicePtr dout = rt.malloc(4L * 18 * n);
            rt.launch(rt.kernel(rt.loadModule(ALU), "intProbe"), Dim3.of(1), Dim3.of(64), 0,
                    KernelArgs.of().ptr(da).ptr(db).ptr(dout).i32(n));
            int[] out = new int[18 * n];
            rt.copyToHost(out, 0, dout, out.length);
            for (int i = 0; i < n; i++) {
                int x = a[i];
                int y = b[i];
                int s = y & 31;
                long wide = (long) x * y;
                int[] expected = {
                    (int) (wide >> 32), (int) ((Integer.toUnsignedLong(x) * Integer.toUnsignedLong(y)) >>> 32), x * y,
                    x == Integer.MIN_VALUE && y == -1 ? Integer.MIN_VALUE : x / y, y == -1 ? 0 : x % y,
                    Integer.divideUnsigned(x, y), Integer.remainderUnsigned(x, y),
                    x >> s, x >>> s, x << s, Math.min(x, y), Integer.compareUnsigned(x, y) >= 0 ? x : y,
                    x * y + x, Math.abs(x), Integer.bitCount(x), Integer.numberOfLeadingZeros(x),
                    (int) wide, (int) (wide >>> 32),
                };
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 18 * i, 18 * i + 18), "a=" + x + " b=" + y);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void floatArithmeticMatchesJava(GpuRuntime rt) {
        try (rt) {
            float nan = Float.NaN;
            float[] a = {1.1f, -3.7f, nan, 2f, 0.1f, 1e-3f, 100f, 1.0000001f};
            float[] b = {2.2f, nan, 4f, 2f, -0.2f, 5f, -100f, 3f};
            int n = a.length;
            DevicePtr da = upload(rt, a);
            DevicePtr db = upload(rt, b);
            DevicePtr dout = rt.malloc(4L * 8 * n);
            rt.launch(rt.kernel(rt.loadModule(ALU), "floatProbe"), Dim3.of(1), Dim3.of(64), 0,
                    KernelArgs.of().ptr(da).ptr(db).ptr(dout).i32(n));
            float[] out = new float[8 * n];
            rt.copyToHost(out, 0, dout, out.length);
            for (int i = 0; i < n; i++) {
                float x = a[i];
                float y = b[i];
                float ax = Math.abs(x);
                float[] row = java.util.Arrays.copyOfRange(out, 8 * i, 8 * i + 8);
                float[] exact = {
                    Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.min(x, y),
                    Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.max(x, y),
                    Math.fma(x, x, -(x * x)), (float) Math.sqrt(ax), 1f / x,
                };
                Check.close("exact ops of " + x + ", " + y, exact, java.util.Arrays.copyOf(row, 5), 0f, 0f);
                // .approx results: hardware is within about 2 ulp, so compare with a relative tolerance.
                float[] approx = {(float) Math.pow(2, x), (float) (Math.log(ax) / Math.log(2)), (float) (1 / Math.sqrt(ax))};
                Check.close("approx ops of " + x, approx, java.util.Arrays.copyOfRange(row, 5, 8), 1e-6f, 1e-6f);
            }
            assertTrue(out[8 * 0 + 2] != 0f, "fma.rn must be fused: the rounding error of 1.1f * 1.1f is not zero");
        }
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void sharedAtomicsGenericAddressesAndVectorLoads(GpuRuntime rt) {
        try (rt) {
            for (int block : new int[] {1, 37, 64}) {
                float[] in = random(4 * block, 7);
                DevicePtr din = upload(rt, in);
                DevicePtr dout = rt.malloc(4L * block);
                DevicePtr count = rt.malloc(4);
                rt.launch(rt.kernel(rt.loadModule("/sslj/kernels/emu/memory_ops.ptx"), "sharedMix"), Dim3.of(1), Dim3.of(block), 0,
                        KernelArgs.of().ptr(din).ptr(dout).ptr(count));
                int[] c = new int[1];
                rt.copyToHost(c, 0, count, 1);
                assertEquals(block, c[0], "atom.shared.add count, block " + block);
                float[] out = new float[block];
                rt.copyToHost(out, 0, dout, block);
                float[] ref = new float[block];
                for (int t = 0; t < block; t++) {
                    ref[t] = (float) ((t + 1) % block) + in[4 * t] + in[4 * t + 1] + in[4 * t + 2] + in[4 * t + 3];
                }
                Check.close("sharedMix block " + block, ref, out, 0f, 0f);
                rt.free(din);
                rt.free(dout);
                rt.free(count);
            }
        }
    }
}
