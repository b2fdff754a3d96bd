package sslj.nn.contrastive;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.nn.Module;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.MomentumReference;
import sslj.tensor.Tensor;
import sslj.testing.Close;

/** EmaUpdate (fused over arenas and per parameter), MomentumQueue and MemoryBank on the CPU. */
class MomentumModulesTest {

    /** Two parameters, a child with one more, and a buffer: enough structure for the EMA's bookkeeping. */
    static final class Net extends Module {
        final Variable w, b;
        Net(Generator g) {
            w = registerParameter("w", Tensor.randn(g, 3, 5));
            b = registerParameter("b", Tensor.randn(g, 7));
            registerBuffer("running", Tensor.randn(g, 4));
            registerModule("child", new Leaf(g));
        }
        @Override public Variable forward(Variable x) { return x; }
        void setRunning(Tensor t) { setBuffer("running", t); }
    }

    static final class Leaf extends Module {
        Leaf(Generator g) { registerParameter("v", Tensor.randn(g, 2, 3)); }
        @Override public Variable forward(Variable x) { return x; }
    }

    /** Packs a module's parameters back to back into one flat tensor (what nn's parameter arena does). */
    static Tensor pack(Module m, int lead) {
        List<Variable> ps = m.parameters();
        int total = 0;
        for (Variable p : ps) total += p.data().numel();
        Tensor flat = Tensor.zeros(lead + total);
        int at = lead;
        for (Variable p : ps) {
            int n = p.data().numel();
            Tensor slot = flat.narrow(0, at, n).view(p.shape());
            slot.copy_(p.data());
            p.setData(slot);
            at += n;
        }
        return flat.narrow(0, lead, total);
    }

    static float[] all(Module m) {
        return Tensor.cat(0, m.parameters().stream().map(p -> p.data().reshape(-1)).toList()).toFloatArray();
    }

    @Test
    void emaFusedOverArenasEqualsThePerParameterPathAndTheOracle() {
        Net online = new Net(new Generator(1)), target = new Net(new Generator(2));
        Net online2 = new Net(new Generator(1)), target2 = new Net(new Generator(2));
        pack(online, 0);
        pack(target, 3);                                  // a different, misaligned arena offset
        EmaUpdate fused = new EmaUpdate(online, target), plain = new EmaUpdate(online2, target2);
        assertArrayEquals(all(online), all(target), "target starts as a copy of online");
        assertFalse(target.parameters().get(0).requiresGrad());
        Generator g = new Generator(9);
        for (int step = 0; step < 3; step++) {
            for (Net n : new Net[] {online, online2}) {         // the optimiser moves online
                for (Variable p : n.parameters()) p.data().copy_(p.data().add(Tensor.randn(new Generator(step), p.shape())));
            }
            float[] t0 = all(target), o0 = all(online);
            fused.update(0.9f);
            plain.update(0.9f);
            assertTrue(fused.lastUpdateFused());
            assertFalse(plain.lastUpdateFused());
            assertArrayEquals(all(target2), all(target), "fused and per-parameter give the same bits");
            Close.assertClose("ema step " + step, MomentumReference.emaOracle(t0, o0, 0.9f), all(target), 1e-6, 1e-6);
        }
        // buffers are copied, not averaged
        online.setRunning(Tensor.full(5f, 4));
        fused.update(0.5f);
        assertArrayEquals(Tensor.full(5f, 4).toFloatArray(), target.namedBuffers().get("running").toFloatArray());
        // m = 1 leaves the target, m = 0 copies online
        float[] before = all(target);
        fused.update(1f);
        assertArrayEquals(before, all(target));
        fused.update(0f);
        assertArrayEquals(all(online), all(target));
        assertEquals(6, fused.steps());
    }

    @Test
    void emaScheduleAndErrors() {
        Net online = new Net(new Generator(1)), target = new Net(new Generator(2));
        EmaUpdate ema = new EmaUpdate(online, target);
        assertThrows(IllegalStateException.class, ema::step);
        // BYOL's cosine m_k = 1 - (1 - m0)(cos(pi k / K) + 1) / 2, as a function of the step
        ema.withSchedule(k -> 1 - (1 - 0.996) * (Math.cos(Math.PI * k / 10) + 1) / 2);
        assertEquals(0.996f, ema.step(), 1e-7f);
        ema.setSteps(10);
        assertEquals(1f, ema.step(), 0f);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ema.update(Float.NaN)).getMessage().contains("NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ema.update(-1f)).getMessage().contains("outside [0, 1]"));
        Module other = new Leaf(new Generator(3));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EmaUpdate(online, other)).getMessage().contains("names differ"));
    }

    @Test
    void queueWrapsSavesAndLoads() {
        MomentumQueue q = new MomentumQueue(10, 4, Device.CPU, new Generator(7));
        float[] init = q.queue().toFloatArray();
        for (int r = 0; r < 10; r++) {                         // rows start as unit vectors
            double ss = 0;
            for (int c = 0; c < 4; c++) ss += init[r * 4 + c] * init[r * 4 + c];
            assertEquals(1.0, ss, 1e-5);
        }
        MomentumReference.QueueOracle oracle = new MomentumReference.QueueOracle(init, 10, 4);
        Generator g = new Generator(8);
        for (int step = 0; step < 9; step++) {
            Tensor keys = Tensor.randn(g, 3, 4);
            q.enqueue(keys);
            oracle.enqueue(keys.toFloatArray(), 3, 4, false);
        }
        assertEquals(oracle.ptr, q.ptr());
        Close.assertClose("queue", oracle.flat(), q.queue().toFloatArray(), 0, 0);
        Map<String, Tensor> state = q.state();
        MomentumQueue back = new MomentumQueue(10, 4, Device.CPU, new Generator(99));
        back.load(state);
        assertEquals(q.ptr(), back.ptr());
        assertArrayEquals(q.queue().toFloatArray(), back.queue().toFloatArray());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> q.enqueue(Tensor.zeros(11, 4))).getMessage().contains("N=11"));
        assertThrows(IllegalArgumentException.class, () -> new MomentumQueue(5, 4, Device.CPU, new Generator(1)).load(state));
        MomentumQueue normalizing = new MomentumQueue(4, 2, Device.CPU, new Generator(1), true);
        normalizing.enqueue(Tensor.of(new float[] {3, 4}, 1, 2));
        Close.assertClose("normalised on the way in", new double[] {0.6, 0.8}, normalizing.queue().narrow(0, 0, 1).toFloatArray(), 1e-7, 1e-6);
    }

    @Test
    void memoryBankUpdatesGathersAndSamples() {
        MemoryBank bank = new MemoryBank(20, 6, Device.CPU, new Generator(4));
        assertEquals(0.5f, bank.momentum());
        float[] b0 = bank.bank().toFloatArray();
        Tensor idx = Tensor.of(19f, 0f, 19f), f = Tensor.randn(new Generator(5), 3, 6);
        bank.update(idx, f);
        Close.assertClose("bank", MomentumReference.bankOracle(b0, 6, idx.toFloatArray(), f.toFloatArray(), 0.5f), bank.bank().toFloatArray(), 1e-6, 1e-5);
        Tensor rows = bank.gather(Tensor.of(0f, 19f));
        assertArrayEquals(bank.bank().narrow(0, 19, 1).toFloatArray(), rows.narrow(0, 1, 1).toFloatArray());
        Tensor neg = bank.sampleNegatives(8, 50, new Generator(6));
        assertArrayEquals(new int[] {8, 50}, neg.shape());
        for (float v : neg.toFloatArray()) assertTrue(v >= 0 && v < 20 && v == (int) v, "index " + v);
        assertArrayEquals(neg.toFloatArray(), bank.sampleNegatives(8, 50, new Generator(6)).toFloatArray(), "seeded: same draws");
        assertEquals(8 * 6, bank.gather(neg.reshape(-1)).numel() / 50);
        MemoryBank back = new MemoryBank(20, 6, Device.CPU, new Generator(77));
        back.load(bank.state());
        assertArrayEquals(bank.bank().toFloatArray(), back.bank().toFloatArray());
        assertThrows(IndexOutOfBoundsException.class, () -> bank.update(Tensor.of(20f), Tensor.zeros(1, 6)));
    }
}
