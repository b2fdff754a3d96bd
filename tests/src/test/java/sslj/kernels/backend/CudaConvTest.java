package sslj.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.autograd.NnFunctional;
import sslj.autograd.Variable;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;
import sslj.tensor.Window2d;
import sslj.testing.Close;

/**
 * The CUDA backend's three convolution ops (conv2d, conv2dBackwardData, conv2dBackwardFilter) against
 * the CPU backend on the same inputs, on every device of {@link GpuDevices#all()}: "cuda-emu" takes the
 * im2col + GEMM path (the emulator has no cuDNN), the real "cuda" takes cuDNN where libcudnn.so.9
 * loaded, and again the im2col path with cuDNN switched off (as -Dsslj.cudnn=false does).
 *
 * <p>Tolerances, by the norm of the error relative to the norm of the result (the results are sums of
 * up to a few hundred products): 1e-4 for im2col + GEMM and for cuDNN's GEMM / direct algorithms (FMA
 * math: no TF32); 2e-3 when cuDNN chose a Winograd or FFT algorithm for any shape, since those transform
 * the operands and round differently. Every element is also checked loosely (atol 1e-3 / 1e-2 on values
 * of order 1), and results are NaN-poisoned so an unwritten element fails.
 */
class CudaConvTest {

    static List<Device> devices() { return GpuDevices.all(); }

    /** (N, C, H, W, O, window): odd sizes, stride 2 + padding 1, dilation 2, 1×1, a 7×7 stride-2 stem, batch 1, C not a multiple of 8. */
    private static final Object[][] SHAPES = {
        {2, 3, 7, 9, 4, Window2d.square(3, 1, 1, 1)},
        {3, 5, 9, 8, 6, Window2d.square(3, 2, 1, 1)},
        {2, 3, 9, 7, 2, Window2d.square(3, 1, 2, 2)},
        {2, 12, 5, 7, 9, Window2d.square(1, 1, 0, 1)},
        {2, 4, 7, 6, 3, Window2d.square(1, 2, 0, 1)},
        {1, 3, 17, 15, 5, Window2d.square(7, 2, 3, 1)},
        {1, 10, 6, 6, 11, Window2d.square(3, 1, 1, 1)},
        {2, 2, 6, 9, 3, new Window2d(2, 3, 2, 1, 1, 0, 1, 2)},
    };

    @ParameterizedTest
    @MethodSource("devices")
    void convOpsMatchTheCpu(Device dev) {
        CudaBackend backend = GpuDevices.backend(dev);
        backend.setPoisonResults(true);
        try {
            runAll(dev, backend.convPath());
        } finally {
            backend.setPoisonResults(false);
        }
        if (!dev.equals(GpuDevices.emulated())) {
            System.err.println("[CudaConvTest] cuDNN algorithms on " + dev + ":\n" + backend.convAlgorithms());
        }
    }

    /**
     * Training-sized layers on the real GPU stay on cuDNN: each call must succeed, not fail and fall back
     * to im2col (which would still match the CPU and hide the failure). These shapes returned
     * CUDNN_STATUS_BAD_PARAM on an H100 with cuDNN 9.14 until the calls ran with the math type the
     * algorithms were chosen under (CudnnConvolutions.run).
     */
    @ParameterizedTest
    @MethodSource("devices")
    void trainingShapesStayOnCudnn(Device dev) {
        CudaBackend backend = GpuDevices.backend(dev);
        org.junit.jupiter.api.Assumptions.assumeTrue("cudnn".equals(backend.convPath()), dev + " convolutions are not on cuDNN here");
        Window2d w3 = Window2d.square(3, 1, 1, 1);
        int[][] shapes = {{64, 16, 28, 28, 16}, {16, 64, 8, 8, 64}, {128, 16, 14, 14, 32}};
        for (int[] s : shapes) {
            check(dev, "cudnn", s[0], s[1], s[2], s[3], s[4], w3);
            assertEquals("cudnn", backend.convPath(), "cuDNN failed on x " + java.util.Arrays.toString(s) + " and fell back:\n" + backend.convAlgorithms());
        }
    }

    /** With cuDNN switched off the real GPU takes im2col + GEMM and still matches (on the emulator: the same path). */
    @ParameterizedTest
    @MethodSource("devices")
    void im2colPathWhenCudnnIsOff(Device dev) {
        CudaBackend backend = GpuDevices.backend(dev);
        backend.setCudnnEnabled(false);
        backend.setPoisonResults(true);
        try {
            assertEquals("im2col", backend.convPath());
            runAll(dev, "im2col");
        } finally {
            backend.setPoisonResults(false);
            backend.setCudnnEnabled(!"false".equalsIgnoreCase(System.getProperty("sslj.cudnn", "true")));
        }
    }

    /** On the emulator there is never cuDNN. */
    @ParameterizedTest
    @MethodSource("devices")
    void pathIsSaid(Device dev) {
        String path = GpuDevices.backend(dev).convPath();
        if (dev.equals(GpuDevices.emulated())) assertEquals("im2col", path);
        System.err.println("[CudaConvTest] " + dev + " convolutions on " + path);
    }

    private static void runAll(Device dev, String path) {
        for (Object[] s : SHAPES) check(dev, path, (int) s[0], (int) s[1], (int) s[2], (int) s[3], (int) s[4], (Window2d) s[5]);
    }

    private static void check(Device dev, String path, int n, int c, int h, int w, int o, Window2d win) {
        int oh = win.outH(h), ow = win.outW(w), k = c * win.area();
        long seed = n * 1000L + c * 100 + h * 10 + w + o;
        Tensor x = GpuDevices.cpu(new int[] {n, c, h, w}, seed, 1f);
        Tensor wt = GpuDevices.cpu(new int[] {o, c, win.kh(), win.kw()}, seed + 1, (float) (1 / Math.sqrt(k)));
        Tensor dy = GpuDevices.cpu(new int[] {n, o, oh, ow}, seed + 2, (float) (1 / Math.sqrt(n * oh * ow)));
        String what = path + " on " + dev + ", " + win + ", x " + n + "x" + c + "x" + h + "x" + w + " → " + o;
        try (TensorScope scope = TensorScope.open()) {
            Tensor y = x.to(dev).conv2d(wt.to(dev), win);
            Tensor dx = dy.to(dev).conv2dBackwardData(wt.to(dev), win, h, w);
            Tensor dw = x.to(dev).conv2dBackwardFilter(dy.to(dev), win);
            boolean loose = "cudnn".equals(path) && GpuDevices.backend(dev).convUsesTransformAlgorithms();
            double byNorm = loose ? 2e-3 : 1e-4, atol = loose ? 1e-2 : 1e-3;
            same("conv2d " + what, x.conv2d(wt, win), y, byNorm, atol);
            same("conv2dBackwardData " + what, dy.conv2dBackwardData(wt, win, h, w), dx, byNorm, atol);
            same("conv2dBackwardFilter " + what, x.conv2dBackwardFilter(dy, win), dw, byNorm, atol);
        }
    }

    private static void same(String what, Tensor ref, Tensor out, double byNorm, double atol) {
        assertEquals(java.util.Arrays.toString(ref.shape()), java.util.Arrays.toString(out.shape()), what + ": shape");
        float[] got = out.toFloatArray();
        double[] expected = Close.toDouble(ref.toFloatArray());
        Close.assertCloseByNorm(what, expected, got, byNorm);
        Close.assertClose(what, expected, got, atol, atol);
    }

    /** Conv2d with bias, forward and backward through autograd, on the device against the CPU. */
    @ParameterizedTest
    @MethodSource("devices")
    void autogradConvMatchesTheCpu(Device dev) {
        Window2d win = Window2d.square(3, 2, 1, 1);
        Tensor x = GpuDevices.cpu(new int[] {2, 3, 9, 7}, 5, 1f), w = GpuDevices.cpu(new int[] {4, 3, 3, 3}, 6, 0.2f);
        Tensor b = GpuDevices.cpu(new int[] {4}, 7, 0.5f);
        Variable[] cpu = run(Device.CPU, x, w, b, win);
        try (TensorScope scope = TensorScope.open()) {
            Variable[] gpu = run(dev, x, w, b, win);
            for (int i = 0; i < cpu.length; i++) {
                Tensor ref = i == 0 ? cpu[0].data() : cpu[i].grad(), got = i == 0 ? gpu[0].data() : gpu[i].grad();
                same("autograd conv2d " + (i == 0 ? "loss" : "grad " + i) + " on " + dev, ref, got, 1e-3, 1e-3);
            }
        }
    }

    private static Variable[] run(Device dev, Tensor x, Tensor w, Tensor b, Window2d win) {
        Variable vx = Variable.param(x.to(dev)), vw = Variable.param(w.to(dev)), vb = Variable.param(b.to(dev));
        Variable y = NnFunctional.conv2d(vx, vw, vb, win);
        Variable loss = y.mul(y).sum();
        loss.backward();
        return new Variable[] {loss, vx, vw, vb};
    }
}
