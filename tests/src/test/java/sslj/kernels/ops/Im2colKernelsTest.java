package sslj.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sslj.kernels.ops.GemmKernelsTest.assertSameBits;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sslj.kernels.RuntimesUnderTest;
import sslj.tensor.Window2d;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuRuntime;
import sslj.testing.Close;

/**
 * unfold / fold on every runtime against plain Java loops written from the F.unfold definition, on
 * windows with stride, padding and dilation that differ per axis; outputs poisoned with NaN first.
 * fold is also checked as unfold's adjoint: ⟨unfold(x), y⟩ = ⟨x, fold(y)⟩.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Im2colKernelsTest {
    private List<GpuRuntime> runtimes;

    @BeforeAll
    void open() { runtimes = RuntimesUnderTest.all(); }

    @AfterAll
    void close() { runtimes.forEach(GpuRuntime::close); }

    private static final int N = 2, C = 3;
    private static final Object[][] CASES = {
        {7, 6, Window2d.square(3, 1, 1, 1)},
        {8, 9, new Window2d(2, 3, 2, 1, 0, 2, 1, 2)},
        {8, 7, Window2d.square(3, 3, 2, 1)},
        {5, 5, Window2d.square(1, 1, 0, 1)},
        {9, 10, new Window2d(3, 2, 2, 3, 1, 0, 2, 1)},
    };

    @Test
    void unfoldMatchesTheDefinitionAndFoldIsItsAdjoint() {
        for (Object[] cs : CASES) {
            int h = (int) cs[0], w = (int) cs[1];
            Window2d win = (Window2d) cs[2];
            int oh = win.outH(h), ow = win.outW(w), rows = C * win.kh() * win.kw(), cols = N * rows * oh * ow;
            float[] x = Dev.random(h, N * C * h * w), y = Dev.random(w, cols);
            float[] ref = unfold(x, h, w, win);
            double[] foldRef = fold(y, h, w, win);
            for (GpuRuntime rt : runtimes) {
                try (Dev d = new Dev(rt)) {
                    Im2colKernels k = new Im2colKernels(rt);
                    DevicePtr dcols = d.poisoned(cols);
                    k.im2col(d.upload(x), dcols, N, C, h, w, win);
                    float[] got = d.download(dcols, cols);
                    assertSameBits(rt.name() + " unfold " + win + " on " + h + "x" + w, ref, got);

                    DevicePtr dx = d.poisoned(x.length);
                    k.col2im(d.upload(y), dx, N, C, h, w, win);
                    float[] folded = d.download(dx, x.length);
                    Close.assertClose(rt.name() + " fold " + win, foldRef, folded, 1e-6, 1e-6);

                    double lhs = 0, rhs = 0;
                    for (int i = 0; i < cols; i++) lhs += (double) got[i] * y[i];
                    for (int i = 0; i < x.length; i++) rhs += (double) x[i] * folded[i];
                    assertEquals(lhs, rhs, 1e-4 * (1 + Math.abs(lhs)), "adjoint identity " + win);

                    DevicePtr again = d.poisoned(x.length);
                    k.col2im(d.upload(y), again, N, C, h, w, win);
                    assertSameBits("fold rerun", folded, d.download(again, x.length));
                }
            }
        }
    }

    /** Max-pooling unfolds with −∞ outside the image (so padding never wins); any pad value reaches every outside position. */
    @Test
    void unfoldFillsThePaddingWithTheGivenValue() {
        for (float pad : new float[] {Float.NEGATIVE_INFINITY, 2.5f}) {
            for (Object[] cs : CASES) {
                int h = (int) cs[0], w = (int) cs[1];
                Window2d win = (Window2d) cs[2];
                int cols = N * C * win.kh() * win.kw() * win.outH(h) * win.outW(w);
                float[] x = Dev.random(h + 1, N * C * h * w), ref = unfold(x, h, w, win, pad);
                for (GpuRuntime rt : runtimes) {
                    try (Dev d = new Dev(rt)) {
                        DevicePtr dcols = d.poisoned(cols);
                        new Im2colKernels(rt).im2col(d.upload(x), dcols, N, C, h, w, win, pad);
                        assertSameBits(rt.name() + " unfold pad " + pad + " " + win + " on " + h + "x" + w, ref, d.download(dcols, cols));
                    }
                }
            }
        }
    }

    @Test
    void aWindowLargerThanThePaddedImageIsRejected() {
        GpuRuntime rt = runtimes.get(0);
        try (Dev d = new Dev(rt)) {
            DevicePtr p = d.alloc(100);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Im2colKernels(rt).im2col(p, p, 1, 1, 2, 2, Window2d.square(5, 1, 0, 1)));
            assertTrue(e.getMessage().startsWith("im2col:"), e.getMessage());
        }
    }

    /** cols[n][(c kh + i) kw + j][oh Wout + ow] = x[n][c][oh sh - ph + i dh][ow sw - pw + j dw], 0 outside. */
    private static float[] unfold(float[] x, int h, int w, Window2d k) { return unfold(x, h, w, k, 0f); }

    /** As {@link #unfold(float[], int, int, Window2d)} with {@code pad} outside. */
    private static float[] unfold(float[] x, int h, int w, Window2d k, float pad) {
        int oh = k.outH(h), ow = k.outW(w), rows = C * k.kh() * k.kw(), l = oh * ow;
        float[] out = new float[N * rows * l];
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int i = 0; i < k.kh(); i++)
                    for (int j = 0; j < k.kw(); j++)
                        for (int a = 0; a < oh; a++)
                            for (int b = 0; b < ow; b++) {
                                int y = a * k.strideH() - k.padH() + i * k.dilH(), z = b * k.strideW() - k.padW() + j * k.dilW();
                                int r = (c * k.kh() + i) * k.kw() + j;
                                out[(n * rows + r) * l + a * ow + b] = y >= 0 && y < h && z >= 0 && z < w ? x[((n * C + c) * h + y) * w + z] : pad;
                            }
        return out;
    }

    /** The scatter that unfold's gather undoes, accumulated in double. */
    private static double[] fold(float[] cols, int h, int w, Window2d k) {
        int oh = k.outH(h), ow = k.outW(w), rows = C * k.kh() * k.kw(), l = oh * ow;
        double[] x = new double[N * C * h * w];
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int i = 0; i < k.kh(); i++)
                    for (int j = 0; j < k.kw(); j++)
                        for (int a = 0; a < oh; a++)
                            for (int b = 0; b < ow; b++) {
                                int y = a * k.strideH() - k.padH() + i * k.dilH(), z = b * k.strideW() - k.padW() + j * k.dilW();
                                if (y >= 0 && y < h && z >= 0 && z < w) {
                                    x[((n * C + c) * h + y) * w + z] += cols[(n * rows + (c * k.kh() + i) * k.kw() + j) * l + a * ow + b];
                                }
                            }
        return x;
    }
}
