package sslj.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static sslj.kernels.ops.GemmKernelsTest.assertSameBits;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import sslj.kernels.RuntimesUnderTest;
import sslj.kernels.runtime.DevicePtr;
import sslj.kernels.runtime.GpuRuntime;
import sslj.tensor.Tensor;

/**
 * The indexing kernels on every runtime against the CPU backend's ops (CpuIndexing), compared bit for
 * bit: these ops copy or add in a fixed order, so the GPU must give exactly the CPU's floats. Outputs
 * start as NaN; bad indices must raise the CPU's exception with the CPU's message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndexKernelsTest {
    private List<GpuRuntime> runtimes;

    @BeforeAll
    void open() { runtimes = RuntimesUnderTest.all(); }

    @AfterAll
    void close() { runtimes.forEach(GpuRuntime::close); }

    /** Runs {@code body} with a fresh Dev and IndexKernels on every runtime, naming the runtime on failure. */
    private void onEach(Consumer<Ctx> body) {
        for (GpuRuntime rt : runtimes) {
            try (Dev d = new Dev(rt); IndexKernels k = new IndexKernels(rt)) {
                body.accept(new Ctx(d, k));
            } catch (AssertionError e) {
                throw new AssertionError(rt.name() + ": " + e.getMessage(), e);
            }
        }
    }

    private record Ctx(Dev d, IndexKernels k) { }

    private static int outer(int[] shape, int dim) { int p = 1; for (int i = 0; i < dim; i++) p *= shape[i]; return p; }
    private static int inner(int[] shape, int dim) { int p = 1; for (int i = dim + 1; i < shape.length; i++) p *= shape[i]; return p; }

    private static Tensor rand(long seed, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return Tensor.of(Dev.random(seed, n), shape);
    }

    @Test
    void concatCopiesEachInputIntoItsSlice() {
        for (int dim = 0; dim < 3; dim++) {
            final int dm = dim;
            Tensor a = rand(1, 2, 3, 4), b = rand(2, dm == 0 ? 1 : 2, dm == 1 ? 1 : 3, dm == 2 ? 1 : 4), c = rand(3, dm == 0 ? 3 : 2, dm == 1 ? 5 : 3, dm == 2 ? 5 : 4);
            Tensor ref = Tensor.cat(dm, a, b, c);
            onEach(x -> {
                int[] os = ref.shape();
                DevicePtr out = x.d().poisoned(ref.numel());
                int at = 0;
                for (Tensor t : List.of(a, b, c)) {
                    int in = inner(t.shape(), dm);
                    x.k().copySlice(x.d().upload(t.toFloatArray()), out, outer(t.shape(), dm), t.size(dm) * in, os[dm] * in, at * in);
                    at += t.size(dm);
                }
                assertSameBits("concat along " + dm, ref.toFloatArray(), x.d().download(out, ref.numel()));
            });
        }
    }

    @Test
    void indexSelectAlongEachDim() {
        Tensor x = rand(4, 3, 7, 5);
        for (int dim = 0; dim < 3; dim++) {
            final int dm = dim;
            Tensor index = Tensor.of(new float[] {2, 0, 2, 1, -0f});
            Tensor ref = x.indexSelect(dm, index);
            onEach(c -> {
                DevicePtr out = c.d().poisoned(ref.numel());
                c.k().indexSelect(c.d().upload(x.toFloatArray()), c.d().upload(index.toFloatArray()), out,
                        outer(x.shape(), dm), x.size(dm), inner(x.shape(), dm), index.numel());
                assertSameBits("indexSelect dim " + dm, ref.toFloatArray(), c.d().download(out, ref.numel()));
            });
        }
    }

    @Test
    void gatherAlongEachDim() {
        Tensor x = rand(5, 4, 6, 3);
        for (int dim = 0; dim < 3; dim++) {
            final int dm = dim;
            int[] is = x.shape();
            is[dm] = 5;
            float[] idx = new float[4 * 6 * 3 / x.size(dm) * 5];
            java.util.Random r = new java.util.Random(dm);
            for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(x.size(dm));
            Tensor index = Tensor.of(idx, is);
            Tensor ref = x.gather(dm, index);
            onEach(c -> {
                DevicePtr out = c.d().poisoned(ref.numel());
                c.k().gather(c.d().upload(x.toFloatArray()), c.d().upload(idx), out, outer(is, dm), x.size(dm), inner(is, dm), 5);
                assertSameBits("gather dim " + dm, ref.toFloatArray(), c.d().download(out, ref.numel()));
            });
        }
    }

    @Test
    void scatterAddSumsDuplicatesInTheCpusOrder() {
        Tensor x = rand(6, 5, 4, 3);
        for (int dim = 0; dim < 3; dim++) {
            final int dm = dim;
            int[] is = x.shape();
            is[dm] = 9;                                     // more sources than slots: many duplicates
            int n = 9 * 4 * 3 * 5 / x.size(dm);
            float[] idx = new float[n];
            java.util.Random r = new java.util.Random(10 + dm);
            for (int i = 0; i < n; i++) idx[i] = r.nextInt(x.size(dm));
            Tensor index = Tensor.of(idx, is), src = rand(7 + dm, is);
            Tensor ref = x.scatterAdd(dm, index, src);
            onEach(c -> {
                DevicePtr out = c.d().upload(x.toFloatArray());
                DevicePtr di = c.d().upload(idx), ds = c.d().upload(src.toFloatArray());
                c.k().scatterAdd(out, di, ds, outer(x.shape(), dm), x.size(dm), inner(x.shape(), dm), 9);
                float[] got = c.d().download(out, x.numel());
                assertSameBits("scatterAdd dim " + dm, ref.toFloatArray(), got);
                DevicePtr again = c.d().upload(x.toFloatArray());
                c.k().scatterAdd(again, di, ds, outer(x.shape(), dm), x.size(dm), inner(x.shape(), dm), 9);
                assertSameBits("scatterAdd rerun", got, c.d().download(again, x.numel()));
            });
        }
    }

    @Test
    void indexPutLastDuplicateWins() {
        Tensor dst = rand(8, 7, 5), values = rand(9, 6, 5);
        Tensor index = Tensor.of(new float[] {3, 1, 3, 6, 1, 3});
        Tensor ref = dst.indexPut(index, values);
        onEach(c -> {
            DevicePtr out = c.d().upload(dst.toFloatArray());
            c.k().indexPut(out, c.d().upload(index.toFloatArray()), c.d().upload(values.toFloatArray()), 7, 5, 6);
            assertSameBits("indexPut", ref.toFloatArray(), c.d().download(out, dst.numel()));
        });
    }

    @Test
    void sortMatchesTheCpusStableOrderWithNaNAndSignedZeros() {
        java.util.Random r = new java.util.Random(3);
        // up to 2048: one block per line; 2049 and 3001: the merge sort in global memory (runs of 1, 2, ...,
        // with a short last run and, at 3001, a run without a partner in some passes)
        for (int len : new int[] {1, 2, 5, 33, 64, 100, 2048, 2049, 3001}) {
            int lines = len > 100 ? 2 : 3;
            float[] data = new float[lines * len];
            float[] specials = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f};
            for (int i = 0; i < data.length; i++) {
                data[i] = r.nextInt(4) == 0 ? specials[r.nextInt(specials.length)] : r.nextInt(7) - 3; // many ties
            }
            Tensor x = Tensor.of(data, lines, len);
            for (boolean desc : new boolean[] {false, true}) {
                Tensor order = x.argsort(1, desc);
                int k = Math.min(3, len);
                Tensor.TopK top = x.topk(k, 1, desc);
                onEach(c -> {
                    DevicePtr dx = c.d().upload(data), idx = c.d().poisoned(lines * len);
                    c.k().sortLines(dx, null, idx, lines, len, len, desc);
                    assertSameBits("argsort len " + len + (desc ? " desc" : " asc"), order.toFloatArray(), c.d().download(idx, lines * len));
                    DevicePtr tv = c.d().poisoned(lines * k), ti = c.d().poisoned(lines * k);
                    c.k().sortLines(dx, tv, ti, lines, len, k, desc);
                    assertSameBits("topk values len " + len, top.values().toFloatArray(), c.d().download(tv, lines * k));
                    assertSameBits("topk indices len " + len, top.indices().toFloatArray(), c.d().download(ti, lines * k));
                });
            }
        }
    }

    @Test
    void badIndicesRaiseTheCpusExceptionForTheFirstOne() {
        Tensor x = rand(11, 4, 3);
        Tensor outOfRange = Tensor.of(new float[] {1, 4, 2, -1});
        Tensor fraction = Tensor.of(new float[] {0, 2.5f, 7, 0}, 2, 2);
        Tensor nan = Tensor.of(new float[] {0, Float.NaN});
        String selectMsg = assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(0, outOfRange)).getMessage();
        String gatherMsg = assertThrows(IndexOutOfBoundsException.class, () -> x.gather(0, fraction)).getMessage();
        String scatterMsg = assertThrows(IndexOutOfBoundsException.class, () -> x.scatterAdd(0, fraction, Tensor.ones(2, 2))).getMessage();
        String putMsg = assertThrows(IndexOutOfBoundsException.class, () -> x.indexPut(nan, Tensor.ones(2, 3))).getMessage();
        onEach(c -> {
            DevicePtr dx = c.d().upload(x.toFloatArray()), out = c.d().poisoned(12), ones = c.d().upload(new float[] {1, 1, 1, 1, 1, 1});
            DevicePtr bad = c.d().upload(outOfRange.toFloatArray()), frac = c.d().upload(fraction.toFloatArray()), dnan = c.d().upload(nan.toFloatArray());
            assertEquals(selectMsg, assertThrows(IndexOutOfBoundsException.class, () -> c.k().indexSelect(dx, bad, out, 1, 4, 3, 4)).getMessage());
            assertEquals(gatherMsg, assertThrows(IndexOutOfBoundsException.class, () -> c.k().gather(dx, frac, out, 1, 4, 2, 2)).getMessage()); // x narrowed to [4, 2] as for scatterAdd below
            // scatterAdd of a [2, 2] index into x [4, 3] along dim 0: the index is narrower than x,
            // so the kernel sees x narrowed to [4, 2] (outer 1, inner 2)
            assertEquals(scatterMsg, assertThrows(IndexOutOfBoundsException.class, () -> c.k().scatterAdd(out, frac, ones, 1, 4, 2, 2)).getMessage());
            assertEquals(putMsg, assertThrows(IndexOutOfBoundsException.class, () -> c.k().indexPut(dx, dnan, ones, 4, 3, 2)).getMessage());
            // and the launcher still works after an error (the error word is reset)
            c.k().indexSelect(dx, c.d().upload(new float[] {3}), out, 1, 4, 3, 1);
            assertSameBits("after an error", x.indexSelect(0, Tensor.of(3f)).toFloatArray(), java.util.Arrays.copyOf(c.d().download(out, 3), 3));
        });
    }

    @Test
    void aSortAskingForMoreThanTheLineIsRefusedNamingTheOp() {
        onEach(c -> {
            DevicePtr x = c.d().alloc(4096);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.k().sortLines(x, x, x, 1, 4096, 4097, false));
            assertEquals("topk: k = 4097 exceeds the line length 4096", e.getMessage());
        });
    }
}
