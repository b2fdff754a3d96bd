package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

class ModuleTest {
    /** 0: Linear(3, 4); 1: Sequential(0: Linear(4, 2, no bias), 1: ReLU, 2: LayerNorm(2)); 2: Dropout. */
    static Sequential nested(long seed) {
        Generator gen = new Generator(seed);
        return new Sequential(new Linear(3, 4, gen), new Sequential(new Linear(4, 2, false, gen), new ReLU(), new LayerNorm(2)),
                new Dropout(0.5f, gen));
    }

    @Test void namedParametersFollowPyTorchsDottedNames() {
        Sequential m = nested(1);
        assertEquals(List.of("0.weight", "0.bias", "1.0.weight", "1.2.weight", "1.2.bias"), List.copyOf(m.namedParameters().keySet()));
        assertEquals(3 * 4 + 4 + 4 * 2 + 2 + 2, m.parameterCount());
        assertSame(((Linear) m.get(0)).weight(), m.parameters().get(0), "the same Variables the layers hold");
        assertTrue(m.module("1.2") instanceof LayerNorm);
    }

    @Test void stateDictRoundTripCopiesValues() {
        Sequential a = nested(1), b = nested(2);
        Tensor x = Tensor.randn(new Generator(3), 5, 3);
        a.eval();
        b.eval();
        assertFalse(java.util.Arrays.equals(a.forward(Variable.constant(x)).data().toFloatArray(), b.forward(Variable.constant(x)).data().toFloatArray()));
        b.loadStateDict(a.stateDict(), true);
        assertArrayEquals(a.forward(Variable.constant(x)).data().toFloatArray(), b.forward(Variable.constant(x)).data().toFloatArray());
        // values were copied, not shared
        a.parameters().get(0).data().fill_(0f);
        assertTrue(b.parameters().get(0).data().abs().sum().item() > 0);
    }

    @Test void loadStateDictNamesMissingUnexpectedAndMisshapenKeys() {
        Sequential m = nested(1);
        Map<String, Tensor> state = new LinkedHashMap<>(m.stateDict());
        state.remove("0.bias");
        state.put("1.0.weight", Tensor.zeros(3, 3));
        state.put("extra.weight", Tensor.zeros(1));
        var e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(state, true));
        String msg = e.getMessage();
        assertTrue(msg.contains("missing '0.bias'") && msg.contains("'1.0.weight' has shape [3, 3], expected [2, 4]")
                && msg.contains("unexpected 'extra.weight'"), msg);
        state.put("0.bias", Tensor.zeros(4));
        state.put("1.0.weight", Tensor.zeros(2, 4));
        m.loadStateDict(state, false);   // non-strict ignores the extra key
        assertEquals(0f, m.parameters().get(1).data().abs().sum().item());
    }

    @Test void trainAndEvalReachEveryDescendant() {
        Sequential m = nested(1);
        m.eval();
        assertFalse(m.module("1.2").isTraining());
        assertFalse(m.get(2).isTraining());
        Tensor x = Tensor.randn(new Generator(4), 6, 3);
        assertArrayEquals(m.forward(Variable.constant(x)).data().toFloatArray(), m.forward(Variable.constant(x)).data().toFloatArray(),
                "eval: dropout off, deterministic");
        m.train(true);
        assertTrue(m.module("1.1").isTraining() && m.get(2).isTraining());
    }

    @Test void toCpuKeepsVariablesAndValues() {
        Sequential m = nested(1);
        Variable w = m.parameters().get(0);
        float[] before = w.data().toFloatArray();
        assertSame(m, m.to(Device.CPU));
        assertSame(w, m.parameters().get(0));
        assertArrayEquals(before, w.data().toFloatArray());
        assertEquals(Device.CPU, w.data().device());
    }

    @Test void zeroGradClearsEveryParameter() {
        Sequential m = nested(1);
        m.forward(Variable.constant(Tensor.randn(new Generator(5), 2, 3))).sum().backward();
        assertTrue(m.parameters().get(0).grad() != null);
        m.zeroGrad();
        for (Variable p : m.parameters()) assertEquals(null, p.grad());
    }

    @Test void activations() {
        Variable x = Variable.constant(Tensor.of(-2f, 0f, 1.5f));
        assertArrayEquals(new float[] {(float) Math.tanh(-2), 0f, (float) Math.tanh(1.5)}, new Tanh().forward(x).data().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {(float) (1 / (1 + Math.exp(2))), 0.5f, (float) (1 / (1 + Math.exp(-1.5)))},
                new Sigmoid().forward(x).data().toFloatArray(), 1e-6f);
    }
}
