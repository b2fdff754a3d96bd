package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** MLP heads, with LayerNorm standing in for BatchNorm1d (any features → module factory fits). */
class MLPTest {
    private static final IntFunction<Module> LN = LayerNorm::new;
    private static final IntFunction<Module> LN_NO_AFFINE = f -> new LayerNorm(new int[] {f}, 1e-5f, false);

    @Test void layoutWithoutNormIsLinearReluLinearWithBiases() {
        MLP m = MLP.mocoV2Projection(8, 16, 4, new Generator(1));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(m.namedParameters().keySet()));
        assertTrue(m.get(1) instanceof ReLU);
        assertArrayEquals(new int[] {3, 4}, m.forward(Variable.constant(Tensor.randn(new Generator(2), 3, 8))).shape());
    }

    @Test void normOnHiddenAndLastLayersDropsTheRedundantBias() {
        MLP m = MLP.mocoV3Projection(8, 16, 4, LN, LN_NO_AFFINE, new Generator(1));
        // 0 Linear, 1 norm, 2 ReLU, 3 Linear, 4 norm, 5 ReLU, 6 Linear, 7 norm (no affine)
        assertEquals(List.of("0.weight", "1.weight", "1.bias", "3.weight", "4.weight", "4.bias", "6.weight"),
                List.copyOf(m.namedParameters().keySet()));
        assertEquals(3, m.depth());
        assertTrue(m.get(7) instanceof LayerNorm);
        Tensor x = Tensor.randn(new Generator(2), 5, 8);
        Tensor y = m.forward(Variable.constant(x)).data();
        // the last norm without affine: each output row has mean 0 and variance 1
        Tensor mean = y.mean(new int[] {1}, false);
        assertArrayEquals(new float[5], mean.toFloatArray(), 1e-5f);
    }

    @Test void forwardEqualsTheLayersByHandAndForwardThroughStopsAfterABlock() {
        Generator gen = new Generator(3);
        MLP m = MLP.simclrProjection(6, 10, 3, LN, gen);
        Variable x = Variable.constant(Tensor.randn(gen, 4, 6));
        Variable h = m.get(2).forward(m.get(1).forward(m.get(0).forward(x)));
        assertArrayEquals(h.data().toFloatArray(), m.forwardThrough(x, 1).data().toFloatArray());
        assertArrayEquals(m.get(3).forward(h).data().toFloatArray(), m.forward(x).data().toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> m.forwardThrough(x, 3));
    }

    @Test void presetsHaveTheirDepths() {
        Generator gen = new Generator(4);
        assertEquals(3, MLP.simclrV2Projection(8, 8, 4, LN, LN_NO_AFFINE, gen).depth());
        assertEquals(2, MLP.byol(8, 16, 4, LN, gen).depth());
        MLP pred = MLP.mocoV3Predictor(4, 8, LN, gen);
        assertEquals(2, pred.depth());
        assertEquals(List.of("0.weight", "1.weight", "1.bias", "3.weight", "3.bias"), List.copyOf(pred.namedParameters().keySet()));
        assertThrows(IllegalArgumentException.class, () -> new MLP(0, 1, 1, 1, null, null, gen));
    }

    @Test void gradientsOfASmallMlpWithAndWithoutNorm() {
        Generator gen = new Generator(5);
        // inputs with wide spread keep ReLU inputs away from 0, where finite differences break
        ModuleGradCheck.check(new MLP(2, 3, 4, 2, null, null, gen), Tensor.randn(gen, 3, 3));
        ModuleGradCheck.check(new MLP(2, 3, 4, 2, LN, null, gen), Tensor.randn(gen, 3, 3));
    }
}
