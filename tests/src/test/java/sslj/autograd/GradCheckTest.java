package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.tensor.Tensor;

/** The checker itself must fail loudly on a wrong backward. */
class GradCheckTest {
    /** x² with a deliberately wrong derivative x (should be 2x). */
    static final class WrongSquare extends Function {
        private Tensor x;

        @Override protected Tensor forward(Tensor... in) { x = in[0]; return x.square(); }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(x)}; }
    }

    @Test void catchesAWrongBackwardAndNamesTheElement() {
        Tensor x = Tensor.of(new float[] {0.5f, -1f, 2f, 1.5f}, 2, 2);
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.check(v -> new WrongSquare().apply(v[0]), x));
        String m = e.getMessage();
        assertTrue(m.contains("input 0 [2, 2]") && m.contains("element 0 [0, 0]") && m.contains("numeric") && m.contains("analytic"), m);
    }

    @Test void passesACorrectBackward() {
        GradCheck.check(v -> v[0].square(), Tensor.of(new float[] {0.5f, -1f, 2f, 1.5f}, 2, 2));
    }

    @Test void rejectsAFunctionThatIgnoresItsInputs() {
        assertThrows(AssertionError.class, () -> GradCheck.check(v -> Variable.constant(Tensor.ones(2)), Tensor.ones(2)));
    }
}
