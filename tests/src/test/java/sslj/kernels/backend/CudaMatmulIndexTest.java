package sslj.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;
import sslj.testing.Close;

/**
 * The CUDA backend's matmul (gemm.ptx), index ops and sorting (indexing.ptx) and unfold/fold
 * (im2col.ptx), through the Tensor front end, against the CPU backend on the same inputs. matmul is
 * compared with atol 1e-4, rtol 1e-4 (float32 sums of up to 65 products of N(0,1) values in another
 * order); index ops, sorting and unfold move values without arithmetic and must match exactly;
 * scatterAdd and fold add in the CPU's order and match to 1e-6.
 */
class CudaMatmulIndexTest {

    static List<Device> devices() { return GpuDevices.all(); }

    private static void same(String what, Tensor ref, Tensor out, double atol, double rtol) {
        Close.assertClose(what, ref.shape(), Close.toDouble(ref.toFloatArray()), out, atol, rtol);
    }

    private static void check(Device dev, String what, Function<Device, Tensor> f, double tol) {
        same(what + " on " + dev, f.apply(Device.CPU), f.apply(dev), tol, tol);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void matmulEveryRankAndLayout(Device dev) {
        GpuDevices.backend(dev).setPoisonResults(true);
        Tensor a = GpuDevices.cpu(new int[] {33, 65}, 1, 1f), b = GpuDevices.cpu(new int[] {65, 17}, 2, 1f);
        Tensor bt = GpuDevices.cpu(new int[] {17, 65}, 3, 1f), at = GpuDevices.cpu(new int[] {65, 33}, 4, 1f);
        Tensor batched = GpuDevices.cpu(new int[] {3, 7, 13}, 5, 1f), shared = GpuDevices.cpu(new int[] {13, 5}, 6, 1f);
        Tensor v = GpuDevices.cpu(new int[] {65}, 7, 1f);
        check(dev, "a·b", d -> a.to(d).matmul(b.to(d)), 1e-4);
        check(dev, "a·btᵀ", d -> a.to(d).matmul(bt.to(d).t()), 1e-4);
        check(dev, "atᵀ·b", d -> at.to(d).t().matmul(b.to(d)), 1e-4);
        check(dev, "atᵀ·btᵀ", d -> at.to(d).t().matmul(bt.to(d).t()), 1e-4);
        check(dev, "batched · broadcast", d -> batched.to(d).matmul(shared.to(d)), 1e-4);
        check(dev, "matrix · vector", d -> a.to(d).matmul(v.to(d)), 1e-4);
        check(dev, "sliced operand", d -> a.to(d).slice(1, 0, 65, 2).matmul(b.to(d).slice(0, 0, 65, 2)), 1e-4);
        check(dev, "k = 0", d -> Tensor.zeros(3, 0).to(d).matmul(Tensor.zeros(0, 4).to(d)), 0);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void indexOpsAlongEachDim(Device dev) {
        GpuDevices.backend(dev).setPoisonResults(true);
        Tensor x = GpuDevices.cpu(new int[] {7, 5, 3}, 8, 1f);
        Tensor rows = Tensor.of(6f, 0f, 0f, 3f), cols = Tensor.of(4f, 1f);
        check(dev, "indexSelect dim 0", d -> x.to(d).indexSelect(0, rows.to(d)), 0);
        check(dev, "indexSelect dim 1 of a transposed view", d -> x.to(d).transpose(0, 2).indexSelect(1, cols.to(d)), 0);
        Tensor gi = Tensor.of(new float[] {0, 4, 4, 2, 1, 3}, 2, 3);
        Tensor m = GpuDevices.cpu(new int[] {4, 5}, 9, 1f);
        check(dev, "gather dim 1 with a smaller index", d -> m.to(d).gather(1, gi.to(d)), 0);
        Tensor si = Tensor.of(new float[] {0, 3, 3, 1, 0, 0, 2, 3}, 2, 4), src = GpuDevices.cpu(new int[] {2, 4}, 10, 1f);
        Tensor base = GpuDevices.cpu(new int[] {2, 4}, 11, 1f);
        check(dev, "scatterAdd dim 1 with duplicates", d -> base.to(d).scatterAdd(1, si.to(d), src.to(d)), 1e-6);
        // an index smaller than x outside the scatter dim: only the box it covers changes (strided box, then a contiguous one)
        Tensor x3 = GpuDevices.cpu(new int[] {5, 4, 3}, 14, 1f), src3 = GpuDevices.cpu(new int[] {3, 2, 3}, 15, 1f);
        Tensor i3 = Tensor.of(new float[] {4, 0, 4, 1, 1, 1, 0, 2, 3, 3, 3, 0, 4, 4, 2, 2, 0, 1}, 3, 2, 3);
        check(dev, "scatterAdd dim 0, index narrower in dim 1", d -> x3.to(d).scatterAdd(0, i3.to(d), src3.to(d)), 1e-6);
        Tensor i1 = Tensor.of(new float[] {3, 0, 3, 2, 2, 1}, 2, 3), src1 = GpuDevices.cpu(new int[] {2, 3}, 16, 1f);
        Tensor x2 = GpuDevices.cpu(new int[] {5, 4}, 17, 1f);
        check(dev, "scatterAdd dim 1, index shorter in dim 0", d -> x2.to(d).scatterAdd(1, i1.to(d), src1.to(d)), 1e-6);
        Tensor bank = GpuDevices.cpu(new int[] {6, 4}, 12, 1f), vals = GpuDevices.cpu(new int[] {3, 4}, 13, 1f);
        check(dev, "indexPut with a repeated row", d -> bank.to(d).indexPut(Tensor.of(5f, 1f, 5f).to(d), vals.to(d)), 0);
        check(dev, "indexPut into a transposed view", d -> {
            Tensor t = bank.to(d).t().contiguous().t();
            t.indexPut_(Tensor.of(2f).to(d), vals.to(d).narrow(0, 0, 1));
            return t.contiguous();
        }, 0);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> x.to(dev).indexSelect(0, Tensor.of(7f).to(dev)).toFloatArray());
        assertTrue(e.getMessage().contains("indexSelect"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("devices")
    void topkAndArgsortAlongAnyDim(Device dev) {
        Tensor x = Tensor.of(new float[] {3, 1, 3, -0f, 0f, Float.NaN, 2, 2, -5, 7, 1, 1}, 3, 4);
        check(dev, "argsort last dim", d -> x.to(d).argsort(1, false), 0);
        check(dev, "argsort dim 0 descending", d -> x.to(d).argsort(0, true), 0);
        check(dev, "topk values", d -> x.to(d).topk(2, 1, true).values(), 0);
        check(dev, "topk indices", d -> x.to(d).topk(2, 1, true).indices(), 0);
        check(dev, "topk smallest along dim 0", d -> x.to(d).topk(2, 0, false).indices(), 0);
        // lines longer than one block sorts (2048): the global-memory merge sort, along a dim that is not last
        java.util.Random r = new java.util.Random(18);
        float[] tv = new float[5000];
        for (int i = 0; i < tv.length; i++) tv[i] = r.nextInt(9) - 4;          // many ties: the order must stay stable
        Tensor ties = Tensor.of(tv, 2500, 2);
        check(dev, "argsort of 2500-long lines along dim 0", d -> ties.to(d).argsort(0, false), 0);
        check(dev, "topk of 2500-long lines", d -> ties.to(d).t().topk(5, 1, true).values(), 0);
        check(dev, "topk indices of 2500-long lines", d -> ties.to(d).t().topk(5, 1, true).indices(), 0);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void unfoldAndFold(Device dev) {
        Tensor img = GpuDevices.cpu(new int[] {2, 3, 7, 6}, 14, 1f);
        Window2d w = new Window2d(3, 2, 2, 1, 1, 0, 1, 2);
        check(dev, "unfold2d", d -> img.to(d).unfold2d(w, 0f), 0);
        check(dev, "unfold2d with a pad value (host)", d -> img.to(d).unfold2d(Window2d.square(3, 2, 1, 1), Float.NEGATIVE_INFINITY), 0);
        Tensor cols = GpuDevices.cpu(new int[] {2, 3 * 6, w.outH(7) * w.outW(6)}, 15, 1f);
        check(dev, "fold2d", d -> cols.to(d).fold2d(w, 7, 6), 1e-6);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void momentumOpsThroughTheBackend(Device dev) {
        Tensor online = GpuDevices.cpu(new int[] {1027}, 16, 1f), target = GpuDevices.cpu(new int[] {1027}, 17, 1f);
        check(dev, "EMA m=0.99", d -> {
            Tensor t = target.to(d).copy();
            sslj.tensor.Momentum.ema(t, online.to(d), 0.99f);
            return t;
        }, 1e-6);
        Tensor keys = GpuDevices.cpu(new int[] {5, 9}, 18, 1f), queue = GpuDevices.cpu(new int[] {7, 9}, 19, 1f);
        check(dev, "enqueue with wrap-around and normalisation", d -> {
            Tensor q = queue.to(d).copy();
            sslj.tensor.Momentum.enqueue(q, keys.to(d), 4, true);
            return q;
        }, 1e-6);
        Tensor bank = GpuDevices.cpu(new int[] {6, 9}, 20, 1f).l2Normalize(1), f = GpuDevices.cpu(new int[] {3, 9}, 21, 1f);
        check(dev, "memory bank update", d -> {
            Tensor b = bank.to(d).copy();
            sslj.tensor.Momentum.memoryBankUpdate(b, Tensor.of(5f, 0f, 2f).to(d), f.to(d), 0.5f);
            return b;
        }, 1e-6);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void ntXentThroughTheAutogradWrapper(Device dev) {
        Tensor z1 = GpuDevices.cpu(new int[] {5, 19}, 22, 1f), z2 = GpuDevices.cpu(new int[] {5, 19}, 23, 1f);
        for (String part : new String[] {"loss", "dz1", "dz2"}) {
            check(dev, "NtXentLoss " + part, d -> {
                sslj.autograd.Variable a = sslj.autograd.Variable.param(z1.to(d)), b = sslj.autograd.Variable.param(z2.to(d));
                sslj.autograd.Variable loss = new sslj.nn.contrastive.NtXentLoss(0.5f).forward(a, b);
                loss.backward();
                return part.equals("loss") ? loss.data() : part.equals("dz1") ? a.grad() : b.grad();
            }, 2e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void infoNceQueueAndInBatchThroughTheBackend(Device dev) {
        Tensor q = GpuDevices.cpu(new int[] {6, 11}, 24, 1f).l2Normalize(1), k = GpuDevices.cpu(new int[] {6, 11}, 25, 1f).l2Normalize(1);
        Tensor queue = GpuDevices.cpu(new int[] {37, 11}, 26, 1f).l2Normalize(1);
        check(dev, "queue forward loss", d -> d.backend().infoNceQueueForward(q.to(d), k.to(d), queue.to(d), 0.2f)[0], 2e-5);
        check(dev, "queue backward dq", d -> {
            Tensor[] f = d.backend().infoNceQueueForward(q.to(d), k.to(d), queue.to(d), 0.2f);
            return d.backend().infoNceQueueBackward(q.to(d), k.to(d), queue.to(d), f[1], 0.2f, 1f);
        }, 2e-5);
        for (boolean symmetric : new boolean[] {true, false}) {
            for (int part = 0; part < 3; part++) {
                int which = part;
                check(dev, "in-batch backward part " + part + " symmetric=" + symmetric, d -> {
                    Tensor[] f = d.backend().infoNceInBatchForward(q.to(d), k.to(d), 5f, symmetric);
                    return d.backend().infoNceInBatchBackward(q.to(d), k.to(d), f[1], f[2], 5f, symmetric, 1f)[which];
                }, 2e-5);
            }
        }
    }
}
