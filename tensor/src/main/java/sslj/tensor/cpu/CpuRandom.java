package sslj.tensor.cpu;

import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** Random fills from a Philox {@link Generator}: element i comes from block (first + i/4), word i%4. */
final class CpuRandom {
    private CpuRandom() { }

    static Tensor random(sslj.tensor.Device device, Generator gen, boolean normal, float a, float b, int[] shape) {
        Tensor out = CpuBackend.empty(device, shape);
        float[] dst = Strided.data(out);
        int n = dst.length;
        long first = gen.reserve((n + 3) / 4L);
        long seed = gen.seed();
        CpuParallel.forRange((n + 3) / 4, 4096, (lo, hi) -> {
            int[] w = new int[4];
            for (int blk = lo; blk < hi; blk++) {
                Generator.block(seed, first + blk, w);
                for (int j = 0; j < 4 && blk * 4 + j < n; j++) {
                    dst[blk * 4 + j] = normal ? a + b * Generator.normal(w, j) : a + (b - a) * Generator.uniform(w[j]);
                }
            }
        });
        return out;
    }
}
