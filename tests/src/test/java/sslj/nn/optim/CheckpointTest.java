package sslj.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * Resuming from a checkpoint gives the same parameters, bit for bit, as the uninterrupted run: 10
 * steps straight, against 5 steps, save, load into freshly built objects, 5 more.
 */
class CheckpointTest {
    @TempDir Path tmp;

    /** One run: a model, its optimiser and schedule, and the generator that draws the data. */
    static final class Run {
        final OptimTesting.TinyNet model = new OptimTesting.TinyNet();
        final Optimizer opt;
        final Scheduler sched;
        final Generator rng = new Generator(42);

        Run(Function<List<ParamGroup>, Optimizer> make) {
            opt = make.apply(ParamGroup.decayAndNoDecay(model));
            sched = new Scheduler(opt, new WarmupCosine(0.1, 3, 10, 0.001));
        }

        /** One step of least squares on a fresh random batch; norm.* get no gradient (skipped). */
        void step() {
            Variable x = Variable.constant(Tensor.randn(rng, 8, 3));
            Variable y = Variable.constant(Tensor.randn(rng, 8, 2));
            model.forward(x).sub(y).square().mean().backward();
            GradClip.clipGradNorm(model.parameters(), 1.0);
            opt.step();
            opt.zeroGrad();
            sched.step();
        }

        float[] params() {
            float[][] parts = model.parameters().stream().map(p -> p.data().toFloatArray()).toArray(float[][]::new);
            int n = Arrays.stream(parts).mapToInt(a -> a.length).sum(), at = 0;
            float[] all = new float[n];
            for (float[] a : parts) { System.arraycopy(a, 0, all, at, a.length); at += a.length; }
            return all;
        }
    }

    void resumeIsBitIdentical(String what, Function<List<ParamGroup>, Optimizer> make) throws IOException {
        Run straight = new Run(make);
        for (int i = 0; i < 10; i++) straight.step();

        Run first = new Run(make);
        for (int i = 0; i < 5; i++) first.step();
        Path dir = tmp.resolve(what);
        new Checkpoint().save(dir, first.model, first.opt, first.sched, first.rng, 1, 5);

        Run resumed = new Run(make);
        for (Variable p : resumed.model.parameters()) p.data().fill_(0.5f); // loading must overwrite these
        Checkpoint.Progress at = new Checkpoint().load(dir, resumed.model, resumed.opt, resumed.sched, resumed.rng);
        assertEquals(new Checkpoint.Progress(1, 5), at);
        assertEquals(5, resumed.sched.stepCount());
        for (int i = 0; i < 5; i++) resumed.step();

        assertNotEquals(0, Arrays.hashCode(straight.params()));
        assertArrayEquals(straight.params(), resumed.params(), what + ": resumed run differs from the straight one");
        assertEquals(straight.rng.offset(), resumed.rng.offset());
    }

    @Test void sgdMomentum() throws IOException { resumeIsBitIdentical("sgd", g -> new SGD(g, 0.1, 0.9, 0, 1e-4, true)); }
    @Test void lars() throws IOException { resumeIsBitIdentical("lars", g -> new LARS(g, 0.1, 1e-6)); }
    @Test void adamw() throws IOException { resumeIsBitIdentical("adamw", g -> new AdamW(g, 0.1)); }

    @Test
    void storeRoundTripAndCorruptFiles() throws IOException {
        SafeTensorsStore store = new SafeTensorsStore();
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a.weight", Tensor.of(new float[] {1, -2, 3.5f, Float.NaN, -0f, 6}, 2, 3));
        m.put("scalar", Tensor.scalar(7));
        m.put("empty", Tensor.zeros(0, 4));
        Path f = tmp.resolve("t.safetensors");
        store.write(f, m);
        Map<String, Tensor> back = store.read(f);
        assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()));
        for (String k : m.keySet()) {
            assertArrayEquals(m.get(k).shape(), back.get(k).shape(), k);
            assertArrayEquals(m.get(k).toFloatArray(), back.get(k).toFloatArray(), k);
        }
        // the format's own corruption cases are SafeTensorsTest's; here: the file is named
        byte[] bytes = Files.readAllBytes(f);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 3));
        assertMessage(cut.toString(), () -> store.read(cut));
        assertMessage("no such tensor file", () -> store.read(tmp.resolve("absent.safetensors")));
    }

    @Test
    void loadErrors() throws IOException {
        Run run = new Run(g -> new SGD(g, 0.1, 0.9, 0));
        run.step();
        Path dir = tmp.resolve("ck");
        assertFalse(Checkpoint.exists(dir));
        assertMessage("no checkpoint.properties", () -> new Checkpoint().load(dir, run.model, run.opt, run.sched, run.rng));
        new Checkpoint().save(dir, run.model, run.opt, run.sched, run.rng, 0, 1);
        assertTrue(Checkpoint.exists(dir));

        Run other = new Run(g -> new AdamW(g, 0.1));
        assertMessage("saved from SGD, loading into AdamW", () -> new Checkpoint().load(dir, other.model, other.opt, null, null));
        assertMessage("seed 42, the generator has seed 7", () -> new Checkpoint().load(dir, run.model, null, null, new Generator(7)));

        Path model = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(bytes, 20));
        assertMessage(model.toString(), () -> new Checkpoint().load(dir, run.model, run.opt, run.sched, run.rng));
    }

    @Test
    void generatorOffsetRestoresTheStream() {
        Generator a = new Generator(3);
        a.nextFloat();
        long at = a.offset();
        float next = a.nextFloat();
        Generator b = new Generator(3);
        b.setOffset(at);
        assertEquals(next, b.nextFloat());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.setOffset(-1));
        assertTrue(e.getMessage().contains("offset"));
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IOException e = assertThrows(IOException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
    }
}
