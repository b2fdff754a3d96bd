package sslj.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FloatVector GEMM micro-kernel: an 8 × (2·L) tile of C, L = lanes of the preferred species
 * (16 floats with AVX-512, so an 8×32 tile).
 *
 * <p>Why this shape. Each step p of the k loop loads two B vectors, broadcasts eight A values and
 * issues 16 independent FMAs into 16 accumulator vectors held in locals. Register budget: 16
 * accumulators + 2 B vectors + 1 broadcast = 19 of the 32 vector registers of AVX-512, so C2 never
 * spills. FMA has a latency of ~4 cycles and two FMA pipes per core, so at least 8 independent chains
 * are needed to keep both pipes busy: 16 gives slack. Loads per step: 2 vector + 8 scalar-broadcast
 * against 16 FMAs, well under the two-to-four loads a cycle the core can issue, so the kernel is
 * bound by FMA throughput, not by loads. (4×2L has only 8 chains and half the FMAs per B load.)
 * Measured: ~190–200 GFLOP/s on one core for the whole GEMM, ~75 % of the FMA peak (bench/RESULTS.md).
 *
 * <p>Written out by hand, no helper methods, no branches: C2 inlines the Vector API only up to a
 * node budget per compilation, and an earlier version with a store helper and an "accumulate or
 * overwrite" flag ran out of it, left three calls un-inlined, boxed their vectors and ran at
 * ~30 GFLOP/s. Keep this method as small as it is.
 *
 * <p>Loaded only when {@link CpuFeatures#VECTOR_API} is true (see {@link GemmKernel#best()}).
 */
final class VectorGemmKernel implements GemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = 8, NR = 2 * L;

    private VectorGemmKernel() { }

    static GemmKernel create() { return new VectorGemmKernel(); }

    @Override public int mr() { return MR; }
    @Override public int nr() { return NR; }

    @Override
    public void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc) {
        // The 16 accumulators start from C's tile (the sum so far); they live in registers for the
        // whole k loop and go back to C once at the end.
        FloatVector c00 = FloatVector.fromArray(S, c, ci), c01 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c10 = FloatVector.fromArray(S, c, ci + 1 * ldc), c11 = FloatVector.fromArray(S, c, ci + 1 * ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, ci + 2 * ldc), c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, ci + 3 * ldc), c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
        FloatVector c40 = FloatVector.fromArray(S, c, ci + 4 * ldc), c41 = FloatVector.fromArray(S, c, ci + 4 * ldc + L);
        FloatVector c50 = FloatVector.fromArray(S, c, ci + 5 * ldc), c51 = FloatVector.fromArray(S, c, ci + 5 * ldc + L);
        FloatVector c60 = FloatVector.fromArray(S, c, ci + 6 * ldc), c61 = FloatVector.fromArray(S, c, ci + 6 * ldc + L);
        FloatVector c70 = FloatVector.fromArray(S, c, ci + 7 * ldc), c71 = FloatVector.fromArray(S, c, ci + 7 * ldc + L);
        for (int p = 0; p < kc; p++) {
            int ao = ai + p * MR, bo = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a;
            a = FloatVector.broadcast(S, ap[ao]);     c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ao + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ao + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ao + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + 1 * ldc); c11.intoArray(c, ci + 1 * ldc + L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc); c41.intoArray(c, ci + 4 * ldc + L);
        c50.intoArray(c, ci + 5 * ldc); c51.intoArray(c, ci + 5 * ldc + L);
        c60.intoArray(c, ci + 6 * ldc); c61.intoArray(c, ci + 6 * ldc + L);
        c70.intoArray(c, ci + 7 * ldc); c71.intoArray(c, ci + 7 * ldc + L);
    }
}
