package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import sslj.tensor.Inputs.Input;
import sslj.tensor.Reference.Nd;
import sslj.testing.Close;

/**
 * Joining, splitting, index-driven reads and writes, and sorting. These ops move values without
 * arithmetic (scatterAdd aside), so results are compared exactly.
 */
class IndexingTest {

    private static Tensor ints(float... v) { return Tensor.of(v); }

    private static void assertValues(String what, Nd expected, Tensor actual) {
        Close.assertExact(what, expected.shape(), expected.data(), actual);
    }

    // ------------------------------------------------------------------ cat, stack, split, chunk

    @Test
    void catAlongEachDimOfViews() {
        List<Input> xs = Inputs.layouts(300, 3, 7);
        for (int dim = -2; dim < 2; dim++) {
            int d = dim < 0 ? dim + 2 : dim;
            Tensor a = xs.get(1).tensor(), b = xs.get(3).tensor(), c = xs.get(4).tensor(); // transposed, stepped, expanded
            Nd ar = xs.get(1).ref(), br = xs.get(3).ref(), cr = xs.get(4).ref();
            int[] shape = {3, 7};
            shape[d] *= 3;
            double[] e = new double[63];
            int[] i = new int[2];
            for (int n = 0; n < 63; n++, Reference.next(i, shape)) {
                int block = i[d] / (d == 0 ? 3 : 7);
                int[] src = i.clone();
                src[d] -= block * (d == 0 ? 3 : 7);
                e[n] = (block == 0 ? ar : block == 1 ? br : cr).at(src);
            }
            Close.assertExact("cat dim " + dim, shape, e, Tensor.cat(dim, a, b, c));
        }
    }

    @Test
    void stackAddsADim() {
        Tensor a = ints(1, 2, 3), b = ints(4, 5, 6);
        Close.assertExact("stack 0", new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6}, Tensor.stack(0, a, b));
        Close.assertExact("stack 1", new int[] {3, 2}, new double[] {1, 4, 2, 5, 3, 6}, Tensor.stack(1, a, b));
        Close.assertExact("stack -1", new int[] {3, 2}, new double[] {1, 4, 2, 5, 3, 6}, Tensor.stack(-1, List.of(a, b)));
    }

    @Test
    void splitThenCatGivesBackTheTensor() {
        for (Input in : Inputs.layouts(301, 7, 33)) {
            for (int dim = 0; dim < 2; dim++) {
                List<Tensor> parts = in.tensor().split(3, dim);
                assertValues("cat(split) " + in.layout() + " dim " + dim, in.ref(), Tensor.cat(dim, parts));
                List<Tensor> chunks = in.tensor().chunk(4, dim);
                assertValues("cat(chunk) " + in.layout() + " dim " + dim, in.ref(), Tensor.cat(dim, chunks));
            }
        }
        assertArrayEquals(new int[] {2, 2, 2, 1}, iotaSizes(Tensor.arange(7).split(2, 0)));
        assertArrayEquals(new int[] {3, 3, 1}, iotaSizes(Tensor.arange(7).chunk(3, 0)));
        assertArrayEquals(new int[] {1, 1, 1}, iotaSizes(Tensor.arange(3).chunk(5, 0)), "fewer chunks than asked when too small");
    }

    private static int[] iotaSizes(List<Tensor> parts) {
        return parts.stream().mapToInt(p -> p.size(0)).toArray();
    }

    // ------------------------------------------------------------------ indexSelect, gather, scatterAdd

    @Test
    void indexSelectRowsAndColumnsWithRepeats() {
        Tensor idx = ints(2, 0, 2, 6);
        for (Input in : Inputs.layouts(310, 7, 7)) {
            for (int dim = 0; dim < 2; dim++) {
                int[] shape = {7, 7};
                shape[dim] = 4;
                double[] e = new double[28];
                int[] i = new int[2];
                for (int n = 0; n < 28; n++, Reference.next(i, shape)) {
                    int[] src = i.clone();
                    src[dim] = (int) idx.get(i[dim]);
                    e[n] = in.ref().at(src);
                }
                Close.assertExact("indexSelect " + in.layout() + " dim " + dim, shape, e, in.tensor().indexSelect(dim, idx));
            }
        }
        // A strided index works too: every other element of [2, 9, 0, 9, 1].
        Close.assertExact("strided index", new int[] {3}, new double[] {20, 0, 10}, ints(0, 10, 20).indexSelect(0, ints(2, 9, 0, 9, 1).slice(0, 0, 5, 2)));
    }

    @Test
    void gatherAlongDim0AndDim1() {
        Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        // dim 1: out[i][j] = x[i][index[i][j]]; dim 0: out[i][j] = x[index[i][j]][j].
        Close.assertExact("gather dim 1", new int[] {2, 2}, new double[] {3, 1, 5, 5}, x.gather(1, Tensor.of(new float[][] {{2, 0}, {1, 1}})));
        Close.assertExact("gather dim 0", new int[] {1, 3}, new double[] {4, 2, 6}, x.gather(0, Tensor.of(new float[][] {{1, 0, 1}})));
        Generator gen = new Generator(320);
        for (Input in : Inputs.layouts(321, 7, 33)) {
            for (int dim = 0; dim < 2; dim++) {
                int[] is = {5, 6}; // smaller than x in the other dim, as torch.gather allows
                float[] idx = new float[30];
                for (int n = 0; n < 30; n++) idx[n] = gen.nextInt(in.ref().shape()[dim]);
                double[] e = new double[30];
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 6; j++) {
                        int k = (int) idx[i * 6 + j];
                        e[i * 6 + j] = dim == 0 ? in.ref().at(k, j) : in.ref().at(i, k);
                    }
                }
                Close.assertExact("gather " + in.layout() + " dim " + dim, is, e, in.tensor().gather(dim, Tensor.of(idx, is)));
            }
        }
    }

    @Test
    void scatterAddAccumulatesDuplicates() {
        Tensor x = Tensor.zeros(3, 2);
        Tensor idx = Tensor.of(new float[][] {{0, 2}, {0, 0}, {2, 2}});
        Tensor src = Tensor.of(new float[][] {{1, 2}, {10, 20}, {100, 200}});
        // Column 0 gets 1 + 10 at row 0 and 100 at row 2; column 1 gets 20 at row 0, 2 + 200 at row 2.
        Close.assertExact("scatterAdd dim 0", new int[] {3, 2}, new double[] {11, 20, 0, 0, 100, 202}, x.scatterAdd(0, idx, src));
        Close.assertExact("x unchanged", new int[] {3, 2}, new double[6], x);
        Tensor y = Tensor.ones(2, 3);
        Close.assertExact("scatterAdd dim 1", new int[] {2, 3}, new double[] {4, 1, 1, 1, 1, 8},
                y.scatterAdd(1, Tensor.of(new float[][] {{0, 0}, {2, 2}}), Tensor.of(new float[][] {{1, 2}, {3, 4}})));
        // On a transposed base: a strided x and a strided src.
        Tensor xt = Tensor.arange(6).reshape(2, 3).t(); // [[0,3],[1,4],[2,5]]
        Close.assertExact("scatterAdd of views", new int[] {3, 2}, new double[] {0 + 1 + 10, 3 + 20, 1, 4, 2 + 100, 5 + 2 + 200},
                xt.scatterAdd(0, idx, src.t().contiguous().t()));
    }

    // ------------------------------------------------------------------ indexPut

    @Test
    void indexPutInPlaceLastDuplicateWins() {
        Tensor bank = Tensor.zeros(4, 3);
        Tensor values = Tensor.of(new float[][] {{1, 1, 1}, {2, 2, 2}, {3, 3, 3}});
        Tensor r = bank.indexPut_(ints(3, 1, 3), values);
        assertSame(bank, r);
        Close.assertExact("indexPut_", new int[] {4, 3}, new double[] {0, 0, 0, 2, 2, 2, 0, 0, 0, 3, 3, 3}, bank);
    }

    @Test
    void indexPutCopiesAndBroadcastsValues() {
        Tensor base = Tensor.arange(6).reshape(3, 2);
        Tensor out = base.indexPut(ints(0, 2), Tensor.of(-1f, -2f)); // one row broadcast to both
        Close.assertExact("indexPut", new int[] {3, 2}, new double[] {-1, -2, 2, 3, -1, -2}, out);
        Close.assertExact("base untouched", new int[] {3, 2}, new double[] {0, 1, 2, 3, 4, 5}, base);
    }

    @Test
    void indexPutThroughAView() {
        Tensor base = Tensor.zeros(3, 4);
        base.t().indexPut_(ints(1), Tensor.of(7f, 8f, 9f)); // column 1 of base
        Close.assertExact("indexPut_ of a transpose", new int[] {3, 4}, new double[] {0, 7, 0, 0, 0, 8, 0, 0, 0, 9, 0, 0}, base);
    }

    // ------------------------------------------------------------------ topk, argsort

    /** Stable sort order of one line: the reference for argsort and topk. */
    private static Integer[] order(double[] line, boolean descending) {
        Integer[] p = new Integer[line.length];
        for (int i = 0; i < p.length; i++) p[i] = i;
        Comparator<Integer> byValue = Comparator.comparingDouble(i -> line[i]);
        Arrays.sort(p, descending ? byValue.reversed() : byValue); // Arrays.sort on objects is stable
        return p;
    }

    @Test
    void argsortIsStableBothWays() {
        Tensor x = ints(3, 1, 3, 2, 1, 3);
        Close.assertExact("ascending", new int[] {6}, new double[] {1, 4, 3, 0, 2, 5}, x.argsort(0, false));
        Close.assertExact("descending", new int[] {6}, new double[] {0, 2, 5, 3, 1, 4}, x.argsort(0, true));
    }

    @Test
    void argsortTreatsMinusZeroAsZeroAndNaNAsLargest() {
        // -0 == 0, so a stable sort keeps their order (Float.compare alone would put -0 first).
        Close.assertExact("±0", new int[] {3}, new double[] {0, 1, 2}, ints(0f, -0f, 0f).argsort(0, false));
        Close.assertExact("NaN last ascending", new int[] {3}, new double[] {2, 0, 1}, ints(1f, Float.NaN, -1f).argsort(0, false));
        Close.assertExact("NaN first descending", new int[] {3}, new double[] {1, 0, 2}, ints(1f, Float.NaN, -1f).argsort(0, true));
    }

    @Test
    void indexPutFromAViewOfItselfReadsTheValuesFirst() {
        // Swapping two rows through views of the same storage must not read an already written row.
        Tensor m = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        m.indexPut_(ints(1, 0), m);
        Close.assertExact("row swap", new int[] {2, 2}, new double[] {3, 4, 1, 2}, m);
    }

    @Test
    void argsortAndTopkMatchTheReferenceOnViews() {
        Generator gen = new Generator(330);
        // Five distinct values over lines of 7 and 33, so that ties (and stability) matter.
        for (Input in : Inputs.wholeNumbers(331, 5, 7, 33)) {
            Tensor x = in.tensor();
            Nd xr = in.ref();
            for (int dim = 0; dim < 2; dim++) {
                for (boolean desc : new boolean[] {false, true}) {
                    int k = 1 + gen.nextInt(xr.shape()[dim]);
                    int[] shape = xr.shape().clone(), kShape = shape.clone();
                    kShape[dim] = k;
                    double[] sorted = new double[xr.data().length], topVals = new double[Reference.numel(kShape)], topIdx = new double[topVals.length];
                    final int d = dim;
                    int[] others = shape.clone();
                    others[d] = 1;
                    int[] i = new int[2];
                    for (int n = 0; n < Reference.numel(others); n++, Reference.next(i, others)) {
                        double[] line = new double[shape[d]];
                        int[] at = i.clone();
                        for (int j = 0; j < line.length; j++) {
                            at[d] = j;
                            line[j] = xr.at(at);
                        }
                        Integer[] p = order(line, desc);
                        for (int j = 0; j < line.length; j++) {
                            at[d] = j;
                            sorted[Reference.offset(shape, at)] = p[j];
                            if (j < k) {
                                topIdx[Reference.offset(kShape, at)] = p[j];
                                topVals[Reference.offset(kShape, at)] = line[p[j]];
                            }
                        }
                    }
                    String what = in.layout() + " dim " + dim + (desc ? " descending" : " ascending");
                    Close.assertExact("argsort " + what, shape, sorted, x.argsort(dim, desc));
                    Tensor.TopK top = x.topk(k, dim, desc);
                    Close.assertExact("topk values " + what + " k " + k, kShape, topVals, top.values());
                    Close.assertExact("topk indices " + what + " k " + k, kShape, topIdx, top.indices());
                }
            }
        }
    }

    @Test
    void argsortOfManyLinesSplitOverThreads() {
        Input in = Inputs.wholeNumbers(340, 3, 4099, 5).get(1); // transposed layout
        Tensor order = in.tensor().argsort(1, true);
        float[] got = order.toFloatArray();
        for (int i = 0; i < 4099; i++) {
            double[] line = new double[5];
            for (int j = 0; j < 5; j++) line[j] = in.ref().at(i, j);
            Integer[] p = order(line, true);
            for (int j = 0; j < 5; j++) {
                if (got[i * 5 + j] != p[j]) throw new AssertionError("argsort line " + i + ": expected " + Arrays.toString(p) + ", got position " + j + " = " + got[i * 5 + j]);
            }
        }
    }

    @Test
    void topkHandWorked() {
        Tensor x = Tensor.of(new float[][] {{5, 1, 4, 2}, {0, 7, 7, 3}});
        Tensor.TopK largest = x.topk(2, 1, true), smallest = x.topk(2, -1, false);
        Close.assertExact("largest values", new int[] {2, 2}, new double[] {5, 4, 7, 7}, largest.values());
        Close.assertExact("largest indices", new int[] {2, 2}, new double[] {0, 2, 1, 2}, largest.indices());
        Close.assertExact("smallest values", new int[] {2, 2}, new double[] {1, 2, 0, 3}, smallest.values());
        Close.assertExact("smallest indices", new int[] {2, 2}, new double[] {1, 3, 0, 3}, smallest.indices());
        Close.assertExact("k = 0", new int[] {2, 0}, new double[0], x.topk(0, 1, true).values());
    }
}
