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
