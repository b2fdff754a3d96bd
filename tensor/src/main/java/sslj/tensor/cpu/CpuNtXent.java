package sslj.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import sslj.tensor.Tensor;

/**
 * Fused NT-Xent (SimCLR) on the CPU, forward and backward, without ever holding the 2N×2N similarity
 * matrix (DESIGN.md §4). With R = 2N rows of z, t_ij = z_i·z_j · log2(e)/τ (the logit in base-2 units,
 * so every exponential is a 2^x), pos(i) = (i + N) mod R:
 *
 * <pre>
 *   forward   per row i, online over column tiles J:  m_i = max_{j≠i} t_ij,  S_i = Σ_{j≠i} 2^(t_ij − m_i)
 *             LSE_i = ln2·m_i + ln S_i,   loss_i = ln2·(m_i − t_i,pos) + ln S_i,   loss = (1/R) Σ_i loss_i
 *   backward  G_ij = 2^(t_ij − L_i) + 2^(t_ij − L_j)  (L = LSE·log2 e, G_ii = 0)
 *             dz_i = gradScale/(R·τ) · ( Σ_j G_ij z_j − 2 z_pos(i) )
 * </pre>
 *
 * Work is split by blocks of {@value #ROW_BLOCK} rows, one thread owning each block, so each row's sums
 * run in one fixed order whatever the thread count: the results are deterministic. Inside a block the
 * column tiles of {@value #COL_TILE} columns are packed transposed ([d][c]) once per call, so the
 * similarity tile is an outer-product micro-kernel (4 rows × 2 vectors) that stays in L1/L2.
 * Temporaries: the padded/packed copies of z (2·R·D floats), one tile per thread, O(R) row state.
 * With the Vector API absent, {@link Scalar} runs the same fused algorithm with plain loops.
 */
public final class CpuNtXent {
    static final int ROW_BLOCK = 64;
    static final int COL_TILE = 128;
    private static final double LN2 = Math.log(2.0);
    private static final double LOG2E = 1.0 / LN2;

    private CpuNtXent() { }

    /** {loss [] scalar, lse [R]} for z [R, D], R even; z is assumed finite and τ > 0 (checked by the front end). */
    public static Tensor[] forward(Tensor z, float tau) {
        int r = z.size(0), d = z.size(1);
        float[] zc = dense(z);
        float[] lse = new float[r], rowLoss = new float[r];
        if (CpuFeatures.VECTOR_API) Simd.forward(zc, r, d, tau, lse, rowLoss);
        else Scalar.forward(zc, r, d, tau, lse, rowLoss);
        double sum = 0;
        for (int i = 0; i < r; i++) sum += rowLoss[i];   // fixed order: deterministic
        Tensor loss = new Tensor(new CpuStorage(z.device(), new float[] {(float) (sum / r)}), new int[0]);
        Tensor l = new Tensor(new CpuStorage(z.device(), lse), r);
        return new Tensor[] {loss, l};
    }

    /** dL/dz [R, D] for the saved lse [R], scaled by gradScale (the incoming gradient of the loss). */
    public static Tensor backward(Tensor z, Tensor lse, float tau, float gradScale) {
        int r = z.size(0), d = z.size(1);
        float[] zc = dense(z);
        float[] l = dense(lse);
        float[] out = new float[r * d];
        if (CpuFeatures.VECTOR_API) Simd.backward(zc, l, r, d, tau, gradScale, out);
        else Scalar.backward(zc, l, r, d, tau, gradScale, out);
        return new Tensor(new CpuStorage(z.device(), out), r, d);
    }

    /** Bytes of the temporaries the fused CPU op allocates for z [r, d] (for the benchmark's memory column). */
    public static long workspaceBytes(int r, int d) {
        int lanes = CpuFeatures.VECTOR_API ? Simd.L : 1;
        long dp = (d + lanes - 1) / lanes * lanes, rp = (r + COL_TILE - 1) / COL_TILE * (long) COL_TILE;
        long perThread = 4L * COL_TILE + (long) ROW_BLOCK * dp + 4L * ROW_BLOCK;
        return 4L * (rp * dp + rp * d + 4L * r + CpuParallel.threads() * perThread);
    }

    private static int roundUp(int x, int m) { return (x + m - 1) / m * m; }

    /** The elements in row-major order: the storage array itself when it already is that, else a copy. */
    private static float[] dense(Tensor t) {
        return t.isContiguous() && t.offset() == 0 ? Strided.data(t) : t.toFloatArray();
    }

    // ------------------------------------------------------------------------------------------------
    // Vector API path.
    // ------------------------------------------------------------------------------------------------
    static final class Simd {
        static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
        static final int L = F.length();

        /** The operands packed for the kernels: zp rows padded to dp (multiple of L), zt column tiles transposed. */
        private static final class Packed {
            final int r, d, dp, rp, tiles;
            final float[] zp, zt;

            Packed(float[] z, int r, int d) {
                this.r = r;
                this.d = d;
                dp = roundUp(d, L);
                rp = roundUp(r, COL_TILE);
                tiles = rp / COL_TILE;
                zp = new float[rp * dp];
                zt = new float[rp * d];
                CpuParallel.forRange(tiles, 1, (lo, hi) -> {
                    for (int tj = lo; tj < hi; tj++) {
                        for (int c = 0; c < COL_TILE; c++) {
                            int j = tj * COL_TILE + c;
                            if (j >= r) break;
                            System.arraycopy(z, j * d, zp, j * dp, d);
                            int base = tj * COL_TILE * d + c;
                            for (int k = 0; k < d; k++) zt[base + k * COL_TILE] = z[j * d + k];
                        }
                    }
                });
            }
        }

        /**
         * t[row0 + q][c] = scale · z_(i0+q) · z_(tile tj, column c) for q < 4, c < COL_TILE: the outer-product
         * micro-kernel, 4 rows × 2 vectors of columns in registers, one pass over d.
         */
        private static void tile(Packed p, int i0, int tj, float scale, float[] t) {
            float[] zp = p.zp, zt = p.zt;
            int d = p.d, dp = p.dp, tb = tj * COL_TILE * d;
            int a0 = i0 * dp, a1 = a0 + dp, a2 = a1 + dp, a3 = a2 + dp;
            for (int c = 0; c < COL_TILE; c += 2 * L) {
                FloatVector s00 = FloatVector.zero(F), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
                for (int k = 0, b = tb + c; k < d; k++, b += COL_TILE) {
                    FloatVector b0 = FloatVector.fromArray(F, zt, b), b1 = FloatVector.fromArray(F, zt, b + L);
                    FloatVector x = FloatVector.broadcast(F, zp[a0 + k]);
                    s00 = x.fma(b0, s00); s01 = x.fma(b1, s01);
                    x = FloatVector.broadcast(F, zp[a1 + k]);
                    s10 = x.fma(b0, s10); s11 = x.fma(b1, s11);
                    x = FloatVector.broadcast(F, zp[a2 + k]);
                    s20 = x.fma(b0, s20); s21 = x.fma(b1, s21);
                    x = FloatVector.broadcast(F, zp[a3 + k]);
                    s30 = x.fma(b0, s30); s31 = x.fma(b1, s31);
                }
                s00.mul(scale).intoArray(t, c); s01.mul(scale).intoArray(t, c + L);
                s10.mul(scale).intoArray(t, COL_TILE + c); s11.mul(scale).intoArray(t, COL_TILE + c + L);
                s20.mul(scale).intoArray(t, 2 * COL_TILE + c); s21.mul(scale).intoArray(t, 2 * COL_TILE + c + L);
                s30.mul(scale).intoArray(t, 3 * COL_TILE + c); s31.mul(scale).intoArray(t, 3 * COL_TILE + c + L);
            }
        }

        private static final float MAGIC = 12582912f;   // 1.5·2^23: adding it rounds to an integer in the low mantissa bits
        private static final int EXP_BIAS = 127 - Float.floatToRawIntBits(MAGIC);

        /**
         * 2^x lane-wise: x = n + f with n = round(x) (the magic-number trick, no float→int conversion),
         * 2^f by a degree-6 polynomial on [-0.5, 0.5] (Cephes exp2f, relative error ~2e-7), 2^n put into
         * the exponent bits. x is clamped to [-126, 127]: inputs below give 2^-126 ≈ 1e-38 instead of 0,
         * which no sum here can notice (every row's sum is ≥ 1, every G multiplies a bounded z).
         */
        static FloatVector exp2(FloatVector x) {
            FloatVector xc = x.max(-126f).min(127f);
            FloatVector y = xc.add(MAGIC);
            FloatVector f = xc.sub(y.sub(MAGIC));
            FloatVector p = f.mul(1.535336188319500e-4f).add(1.339887440266574e-3f)
                    .mul(f).add(9.618437357674640e-3f).mul(f).add(5.550332471162809e-2f)
                    .mul(f).add(2.402264791363012e-1f).mul(f).add(6.931472028550421e-1f).mul(f).add(1f);
            IntVector e = y.reinterpretAsInts().add(EXP_BIAS).lanewise(VectorOperators.LSHL, 23);
            return p.mul(e.reinterpretAsFloats());
        }

        static void forward(float[] z, int r, int d, float tau, float[] lse, float[] rowLoss) {
            Packed p = new Packed(z, r, d);
            float scale = (float) (LOG2E / tau);
            int half = r / 2, blocks = (r + ROW_BLOCK - 1) / ROW_BLOCK;
            CpuParallel.forRange(blocks, 1, (lo, hi) -> {
                float[] t = new float[4 * COL_TILE];
                float[] m = new float[ROW_BLOCK], s = new float[ROW_BLOCK], tpos = new float[ROW_BLOCK];
                for (int blk = lo; blk < hi; blk++) {
                    int row0 = blk * ROW_BLOCK, rows = Math.min(ROW_BLOCK, r - row0);
                    java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
                    java.util.Arrays.fill(s, 0f);
                    for (int tj = 0; tj < p.tiles; tj++) {
                        int c0 = tj * COL_TILE, cols = Math.min(COL_TILE, r - c0);
                        for (int q0 = 0; q0 < rows; q0 += 4) {
                            tile(p, row0 + q0, tj, scale, t);
                            for (int q = q0; q < Math.min(q0 + 4, rows); q++) {
                                int i = row0 + q, tb = (q - q0) * COL_TILE;
                                int pos = (i + half) % r;
                                if (pos >= c0 && pos < c0 + cols) tpos[q] = t[tb + pos - c0];
                                if (i >= c0 && i < c0 + cols) t[tb + i - c0] = Float.NEGATIVE_INFINITY;  // j ≠ i
                                for (int c = cols; c < COL_TILE; c++) t[tb + c] = Float.NEGATIVE_INFINITY;  // padding
                                FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                                for (int c = 0; c < COL_TILE; c += L) mv = mv.max(FloatVector.fromArray(F, t, tb + c));
                                float mNew = Math.max(m[q], mv.reduceLanes(VectorOperators.MAX));
                                if (mNew == Float.NEGATIVE_INFINITY) continue;
                                FloatVector sv = FloatVector.zero(F);
                                for (int c = 0; c < COL_TILE; c += L) sv = sv.add(exp2(FloatVector.fromArray(F, t, tb + c).sub(mNew)));
                                s[q] = s[q] * (float) Math.pow(2.0, m[q] - mNew) + sv.reduceLanes(VectorOperators.ADD);
                                m[q] = mNew;
                            }
                        }
                    }
                    for (int q = 0; q < rows; q++) finishRow(m[q], s[q], tpos[q], row0 + q, lse, rowLoss);
                }
            });
        }

        static void backward(float[] z, float[] lseIn, int r, int d, float tau, float gradScale, float[] out) {
            Packed p = new Packed(z, r, d);
            float scale = (float) (LOG2E / tau);
            float[] l2 = new float[p.rp];   // L_j = LSE_j·log2 e; +inf on padding, so 2^(t − L_j) = 0 there
            for (int j = 0; j < p.rp; j++) l2[j] = j < r ? (float) (lseIn[j] * LOG2E) : Float.POSITIVE_INFINITY;
            float outScale = (float) (gradScale / ((double) r * tau));
            int half = r / 2, dp = p.dp, blocks = (r + ROW_BLOCK - 1) / ROW_BLOCK;
            CpuParallel.forRange(blocks, 1, (lo, hi) -> {
                float[] t = new float[4 * COL_TILE];
                float[] acc = new float[ROW_BLOCK * dp];
                for (int blk = lo; blk < hi; blk++) {
                    int row0 = blk * ROW_BLOCK, rows = Math.min(ROW_BLOCK, r - row0);
                    java.util.Arrays.fill(acc, 0f);
                    for (int tj = 0; tj < p.tiles; tj++) {
                        int c0 = tj * COL_TILE;
                        for (int q0 = 0; q0 < rows; q0 += 4) {
                            tile(p, row0 + q0, tj, scale, t);
                            // G = 2^(t − L_i) + 2^(t − L_j), zero on the diagonal (rows past r are never written out)
                            for (int q = 0; q < 4; q++) {
                                int i = row0 + q0 + q, tb = q * COL_TILE;
                                float li = i < r ? l2[i] : Float.POSITIVE_INFINITY;
                                for (int c = 0; c < COL_TILE; c += L) {
                                    FloatVector tv = FloatVector.fromArray(F, t, tb + c);
                                    exp2(tv.sub(li)).add(exp2(tv.sub(FloatVector.fromArray(F, l2, c0 + c)))).intoArray(t, tb + c);
                                }
                                if (i >= c0 && i < c0 + COL_TILE) t[tb + i - c0] = 0f;
                            }
                            accumulate(t, p, c0, acc, q0, dp);
                        }
                    }
                    for (int q = 0; q < rows; q++) {
                        int i = row0 + q, pos = (i + half) % r;
                        for (int k = 0; k < d; k++) out[i * d + k] = outScale * (acc[q * dp + k] - 2f * z[pos * d + k]);
                    }
                }
            });
        }

        /** acc[q0 + q][:] += Σ_c g[q][c] · zp[c0 + c][:] for the 4 rows of one tile, 2 rows × 4 vectors at a time. */
        private static void accumulate(float[] g, Packed p, int c0, float[] acc, int q0, int dp) {
            float[] zp = p.zp;
            for (int q = 0; q < 4; q += 2) {
                int g0 = q * COL_TILE, g1 = g0 + COL_TILE, o0 = (q0 + q) * dp, o1 = o0 + dp;
                for (int k = 0; k < dp; k += 4 * L) {
                    int nv = Math.min(4, (dp - k) / L);
                    if (nv == 4) {
                        FloatVector a0 = FloatVector.fromArray(F, acc, o0 + k), a1 = FloatVector.fromArray(F, acc, o0 + k + L);
                        FloatVector a2 = FloatVector.fromArray(F, acc, o0 + k + 2 * L), a3 = FloatVector.fromArray(F, acc, o0 + k + 3 * L);
                        FloatVector b0 = FloatVector.fromArray(F, acc, o1 + k), b1 = FloatVector.fromArray(F, acc, o1 + k + L);
                        FloatVector b2 = FloatVector.fromArray(F, acc, o1 + k + 2 * L), b3 = FloatVector.fromArray(F, acc, o1 + k + 3 * L);
                        for (int c = 0, zb = c0 * dp + k; c < COL_TILE; c++, zb += dp) {
                            FloatVector z0 = FloatVector.fromArray(F, zp, zb), z1 = FloatVector.fromArray(F, zp, zb + L);
                            FloatVector z2 = FloatVector.fromArray(F, zp, zb + 2 * L), z3 = FloatVector.fromArray(F, zp, zb + 3 * L);
                            FloatVector x = FloatVector.broadcast(F, g[g0 + c]), y = FloatVector.broadcast(F, g[g1 + c]);
                            a0 = x.fma(z0, a0); a1 = x.fma(z1, a1); a2 = x.fma(z2, a2); a3 = x.fma(z3, a3);
                            b0 = y.fma(z0, b0); b1 = y.fma(z1, b1); b2 = y.fma(z2, b2); b3 = y.fma(z3, b3);
                        }
                        a0.intoArray(acc, o0 + k); a1.intoArray(acc, o0 + k + L); a2.intoArray(acc, o0 + k + 2 * L); a3.intoArray(acc, o0 + k + 3 * L);
                        b0.intoArray(acc, o1 + k); b1.intoArray(acc, o1 + k + L); b2.intoArray(acc, o1 + k + 2 * L); b3.intoArray(acc, o1 + k + 3 * L);
                    } else {
                        for (int v = 0; v < nv; v++) {
                            int kk = k + v * L;
                            FloatVector a = FloatVector.fromArray(F, acc, o0 + kk), b = FloatVector.fromArray(F, acc, o1 + kk);
                            for (int c = 0, zb = c0 * dp + kk; c < COL_TILE; c++, zb += dp) {
                                FloatVector zv = FloatVector.fromArray(F, zp, zb);
                                a = FloatVector.broadcast(F, g[g0 + c]).fma(zv, a);
                                b = FloatVector.broadcast(F, g[g1 + c]).fma(zv, b);
                            }
                            a.intoArray(acc, o0 + kk);
                            b.intoArray(acc, o1 + kk);
                        }
                    }
                }
            }
        }
    }

    /** LSE_i and loss_i from the running (max, sum) in base 2 and the positive's logit. */
    private static void finishRow(float m, float s, float tpos, int i, float[] lse, float[] rowLoss) {
        double lns = Math.log(s);
        lse[i] = (float) (LN2 * m + lns);
        rowLoss[i] = (float) (LN2 * ((double) m - tpos) + lns);
    }

    // ------------------------------------------------------------------------------------------------
    // Scalar path (no Vector API): the same fused, blocked algorithm with plain loops.
    // ------------------------------------------------------------------------------------------------
    static final class Scalar {
        private static float dot(float[] z, int a, int b, int d) {
            float s = 0f;
            for (int k = 0; k < d; k++) s += z[a + k] * z[b + k];
            return s;
        }

        static void forward(float[] z, int r, int d, float tau, float[] lse, float[] rowLoss) {
            float scale = (float) (LOG2E / tau);
            int half = r / 2;
            CpuParallel.forRange(r, 16, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    float m = Float.NEGATIVE_INFINITY, s = 0f, tpos = 0f;
                    for (int j = 0; j < r; j++) {
                        float t = dot(z, i * d, j * d, d) * scale;
                        if (j == (i + half) % r) tpos = t;
                        if (j == i) continue;
                        if (t > m) { s = s * (float) Math.pow(2.0, m - t) + 1f; m = t; }
                        else s += (float) Math.pow(2.0, t - m);
                    }
                    finishRow(m, s, tpos, i, lse, rowLoss);
                }
            });
        }

        static void backward(float[] z, float[] lse, int r, int d, float tau, float gradScale, float[] out) {
            float scale = (float) (LOG2E / tau);
            float outScale = (float) (gradScale / ((double) r * tau));
            int half = r / 2;
            CpuParallel.forRange(r, 16, (lo, hi) -> {
                float[] acc = new float[d];
                for (int i = lo; i < hi; i++) {
                    java.util.Arrays.fill(acc, 0f);
                    float li = (float) (lse[i] * LOG2E);
                    for (int j = 0; j < r; j++) {
                        if (j == i) continue;
                        float t = dot(z, i * d, j * d, d) * scale;
                        float g = (float) (Math.pow(2.0, t - li) + Math.pow(2.0, t - (float) (lse[j] * LOG2E)));
                        for (int k = 0; k < d; k++) acc[k] += g * z[j * d + k];
                    }
                    int pos = (i + half) % r;
                    for (int k = 0; k < d; k++) out[i * d + k] = outScale * (acc[k] - 2f * z[pos * d + k]);
                }
            });
        }
    }
}
