package sslj.tour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import sslj.autograd.GradCheck;
import sslj.autograd.Variable;
import sslj.tensor.Tensor;

/**
 * The worked example of docs/tour/02-autograd-in-one-page.md: y = sum((a·b + a)²) for a = [1, 2],
 * b = [3, 0.5]. By hand: u = a·b + a = [4, 3], y = 25, dy/da = 2u·(b + 1) = [32, 9], dy/db = 2u·a = [8, 12].
 * If this test changes, change the chapter with it.
 */
class AutogradTourExampleTest {
    @Test void engineMatchesTheHandComputedGradients() {
        Variable a = Variable.param(Tensor.of(1f, 2f));
        Variable b = Variable.param(Tensor.of(3f, 0.5f));
        Variable y = a.mul(b).add(a).square().sum();   // a is used twice: its gradient gets two contributions
        y.backward();
        System.out.println("y = " + y.item());
        System.out.println("dy/da = " + java.util.Arrays.toString(a.grad().toFloatArray()));
        System.out.println("dy/db = " + java.util.Arrays.toString(b.grad().toFloatArray()));
        assertEquals(25f, y.item(), 0f);
        assertArrayEquals(new float[] {32f, 9f}, a.grad().toFloatArray(), 0f);
        assertArrayEquals(new float[] {8f, 12f}, b.grad().toFloatArray(), 0f);
    }

    @Test void finiteDifferencesAgree() {
        GradCheck.check(x -> x[0].mul(x[1]).add(x[0]).square().sum(), Tensor.of(1f, 2f), Tensor.of(3f, 0.5f));
    }

    @Test void stridesOfTheChapterOneExample() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        assertArrayEquals(new int[] {3, 1}, x.strides());
        Tensor t = x.t();
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new int[] {1, 3}, t.strides());
        assertEquals(false, t.isContiguous());
        Tensor n = x.narrow(1, 1, 2);
        assertEquals(1, n.offset());
        assertArrayEquals(new int[] {3, 1}, n.strides());
        assertArrayEquals(new float[] {1, 2, 4, 5}, n.toFloatArray(), 0f);
        assertEquals(4f, x.get(1, 1), 0f);
        Tensor row = Tensor.of(10f, 20f, 30f).expand(2, 3);
        assertArrayEquals(new int[] {0, 1}, row.strides());
        assertArrayEquals(new float[] {10, 21, 32, 13, 24, 35}, x.add(Tensor.of(10f, 20f, 30f)).toFloatArray(), 0f);
        // reshape of the transpose cannot be a view: it copies (the new tensor is contiguous).
        Tensor r = t.reshape(6);
        assertArrayEquals(new int[] {1}, r.strides());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, r.toFloatArray(), 0f);
        // reshape of x itself is a view: same storage.
        assertEquals(true, x.reshape(3, 2).storage() == x.storage());
        assertEquals(false, r.storage() == x.storage());
    }
}
