package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sslj.autograd.NoGrad;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

class ParameterArenaTest {
    private static Sequential model(long seed) {
        Generator gen = new Generator(seed);
        return new Sequential(new Linear(3, 5, gen), new ReLU(), new LayerNorm(5), new Linear(5, 2, false, gen));
    }

    private static float[] concat(Sequential m) {
        List<Tensor> parts = new ArrayList<>();
        for (Variable p : m.parameters()) parts.add(p.data().reshape(-1));
        return Tensor.cat(0, parts).toFloatArray();
    }

    @Test void packingPreservesValuesAndForwardBackward() {
        Sequential m = model(1);
        Tensor x = Tensor.randn(new Generator(2), 4, 3);
        float[] before = m.forward(Variable.constant(x)).data().toFloatArray();
        float[] values = concat(m);
        Variable w0 = m.parameters().get(0);
        ParameterArena arena = ParameterArena.pack(m);
        assertSame(w0, m.parameters().get(0), "layers keep their Variables");
        assertEquals(values.length, arena.size());
        assertArrayEquals(values, arena.flat().toFloatArray(), "arena = parameters back to back, in namedParameters order");
        assertArrayEquals(before, m.forward(Variable.constant(x)).data().toFloatArray());
        m.forward(Variable.constant(x)).square().sum().backward();
        for (Variable p : m.parameters()) assertTrue(p.grad() != null);
        assertTrue(arena.isIntact());
    }

    @Test void flatSharesStorageWithEveryParameter() {
        Sequential m = model(1);
        ParameterArena arena = ParameterArena.pack(m);
        for (Variable p : m.parameters()) assertSame(arena.flat().storage(), p.data().storage());
        long bOff = arena.offset("0.bias");
        assertEquals(15, bOff, "0.weight [5, 3] comes first");
        assertArrayEquals(new int[] {5}, arena.shape("0.bias"));
        arena.flat().narrow(0, (int) bOff + 2, 1).fill_(42f);
        assertEquals(42f, ((Linear) m.get(0)).bias().data().get(2), "writing the arena writes the parameter");
        // and an in-place update of a parameter (what an optimiser does) shows in the arena
        ((Linear) m.get(3)).weight().data().fill_(-1f);
        assertEquals(-1f, arena.flat().get(arena.size() - 1));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "3.weight"), arena.names());
        assertArrayEquals(new long[] {15, 20}, arena.layout().get("0.bias"));
    }

    @Test void twoModelsLineUpSoTheEmaIsOneOp() {
        Sequential online = model(1), target = model(2);
        ParameterArena a = ParameterArena.pack(online), b = ParameterArena.pack(target);
        b.checkAlignedWith(a);
        float m = 0.9f;
        float[] t0 = b.flat().toFloatArray(), o0 = a.flat().toFloatArray();
        try (NoGrad g = NoGrad.enter()) {
            b.flat().copy_(b.flat().mul(m).add(a.flat().mul(1 - m)));   // θ_t ← m θ_t + (1 − m) θ_o
        }
        float[] expect = new float[t0.length];
        for (int i = 0; i < t0.length; i++) expect[i] = m * t0[i] + (1 - m) * o0[i];
        assertArrayEquals(expect, concat(target), 1e-6f, "every target parameter moved");
        var e = assertThrows(IllegalArgumentException.class, () -> ParameterArena.pack(new Sequential(new Linear(3, 4, new Generator(1)))).checkAlignedWith(a));
        assertTrue(e.getMessage().contains("names differ"), e.getMessage());
    }

    @Test void flatGradConcatenatesWithZerosWhereNone() {
        Sequential m = model(3);
        ParameterArena arena = ParameterArena.pack(m);
        assertEquals(0f, arena.flatGrad().abs().sum().item());
        Tensor x = Tensor.randn(new Generator(4), 4, 3);
        ((Linear) m.get(3)).weight().requiresGrad(false);   // a frozen layer has no grad
        m.forward(Variable.constant(x)).square().sum().backward();
        float[] flat = arena.flatGrad().toFloatArray();
        List<Tensor> expect = new ArrayList<>();
        for (Variable p : m.parameters()) expect.add(p.grad() == null ? Tensor.zeros(p.data().numel()) : p.grad().reshape(-1));
        assertArrayEquals(Tensor.cat(0, expect).toFloatArray(), flat);
        for (int i = arena.size() - 10; i < arena.size(); i++) assertEquals(0f, flat[i]);
        assertFalse(flat[0] == 0f && flat[1] == 0f && flat[2] == 0f);
    }

    @Test void movingAParameterIsDetected() {
        Sequential m = model(1);
        ParameterArena arena = ParameterArena.pack(m);
        m.parameters().get(0).setData(Tensor.zeros(5, 3));
        assertFalse(arena.isIntact());
        assertThrows(IllegalArgumentException.class, () -> arena.offset("nope"));
    }
}
