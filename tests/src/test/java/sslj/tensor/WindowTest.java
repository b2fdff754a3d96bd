package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** unfold2d (im2col) against its definition, and fold2d as its adjoint: ⟨unfold(x), c⟩ = ⟨x, fold(c)⟩. */
class WindowTest {
    private final Generator gen = new Generator(9);

    @Test void unfoldLayout() {
        // One 3×3 image 1..9, 2×2 windows, stride 1: four columns, rows (i, j) of the window.
        Tensor x = Tensor.arange(1, 10, 1).reshape(1, 1, 3, 3);
        Tensor cols = x.unfold2d(Window2d.square(2, 1, 0, 1), 0f);
        assertArrayEquals(new int[] {1, 4, 4}, cols.shape());
        assertArrayEquals(new float[] {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}, cols.toFloatArray());
        // Padding 1, stride 2, pad value −1: windows at (−1,−1), (−1,1), (1,−1), (1,1).
        Tensor p = x.unfold2d(Window2d.square(2, 2, 1, 1), -1f);
        assertArrayEquals(new float[] {-1, -1, -1, 5, -1, -1, 4, 6, -1, 2, -1, 8, 1, 3, 7, 9}, p.toFloatArray());
    }

    /** cols[n][(c·kh + i)·kw + j][y·OW + x] = x[n][c][y·sh − ph + i·dh][x·sw − pw + j·dw], or the pad value outside. */
    @Test void unfoldMatchesItsDefinitionOnAwkwardWindows() {
        Window2d[] windows = {
            Window2d.square(3, 1, 1, 1), Window2d.square(3, 2, 1, 1), Window2d.square(3, 1, 2, 2),
            new Window2d(2, 3, 2, 1, 1, 0, 1, 2), Window2d.square(5, 3, 4, 1), Window2d.square(1, 2, 0, 1),
        };
        for (Window2d win : windows) {
            int n = 2, c = 3, h = 7, w = 9;
            float[] xs = Tensor.randn(gen, n, c, h, w).toFloatArray();
            float[] cols = Tensor.of(xs, n, c, h, w).unfold2d(win, -7f).toFloatArray();
            int oh = win.outH(h), ow = win.outW(w), l = oh * ow, rows = win.area();
            for (int b = 0; b < n; b++) for (int ch = 0; ch < c; ch++) for (int i = 0; i < win.kh(); i++) for (int j = 0; j < win.kw(); j++)
                for (int y = 0; y < oh; y++) for (int x = 0; x < ow; x++) {
                    int iy = y * win.strideH() - win.padH() + i * win.dilH(), ix = x * win.strideW() - win.padW() + j * win.dilW();
                    float want = iy < 0 || iy >= h || ix < 0 || ix >= w ? -7f : xs[((b * c + ch) * h + iy) * w + ix];
                    int at = (b * c * rows + ch * rows + i * win.kw() + j) * l + y * ow + x;
                    assertEquals(want, cols[at], 0f, win + " at n=" + b + " c=" + ch + " i=" + i + " j=" + j + " y=" + y + " x=" + x);
                }
        }
    }

    private void checkAdjoint(int n, int c, int h, int w, Window2d win) {
        Tensor x = Tensor.randn(gen, n, c, h, w);
        Tensor cols = x.unfold2d(win, 0f);
        assertEquals(win.outH(h) * win.outW(w), cols.size(2));
        Tensor r = Tensor.randn(gen, cols.shape());
        double lhs = cols.mul(r).sum().item(), rhs = x.mul(r.fold2d(win, h, w)).sum().item();
        assertEquals(lhs, rhs, 1e-4 * Math.max(1, Math.abs(lhs)), "adjoint for " + win);
    }

    @Test void foldIsTheAdjointOfUnfold() {
        checkAdjoint(2, 3, 7, 6, Window2d.square(3, 1, 1, 1));
        checkAdjoint(2, 2, 9, 8, Window2d.square(3, 2, 1, 1));
        checkAdjoint(1, 2, 9, 9, Window2d.square(3, 1, 2, 2));
        checkAdjoint(3, 2, 6, 7, new Window2d(2, 3, 2, 1, 1, 0, 1, 2));
        checkAdjoint(8, 16, 12, 12, Window2d.square(3, 1, 1, 1));   // large enough for several threads
    }

    @Test void errors() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 3, 3).unfold2d(Window2d.square(2, 1, 0, 1), 0f));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 1, 2, 2).unfold2d(Window2d.square(3, 1, 0, 1), 0f));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 4, 5).fold2d(Window2d.square(2, 1, 0, 1), 3, 3));
        assertThrows(IllegalArgumentException.class, () -> Window2d.square(0, 1, 0, 1));
    }
}
