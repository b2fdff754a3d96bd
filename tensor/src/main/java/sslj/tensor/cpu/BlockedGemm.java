package sslj.tensor.cpu;

/**
 * The cache-blocked GEMM of one thread, in the Goto/BLIS structure: five loops around a micro-kernel.
 * <pre>
 *   for jc in N step NC            B panel  (KC × NC)   packed once per (jc, pc), lives in L3 / L2
 *     for pc in K step KC
 *       pack B[pc.., jc..]
 *       for ic in M step MC        A block  (MC × KC)   packed once per (ic, pc), lives in L2
 *         pack A[ic.., pc..]
 *         for jr in NC step NR     B sliver (KC × NR)   reused by every ir below: stays in L1
 *           for ir in MC step MR   A sliver (MR × KC)   streamed from L2
 *             micro-kernel: C[MR × NR] += A sliver · B sliver   (C zeroed first)
 * </pre>
 * Packing copies each operand, whatever its transpose, into the exact order the micro-kernel reads
 * (unit stride, no TLB misses), so transA/transB cost nothing beyond the copy. Panels are padded
 * with zeros up to whole MR/NR slivers; tiles on the M/N edges are computed into a zeroed scratch
 * tile and only their valid part is added into C. k is never padded, so a padded zero is only ever multiplied
 * into a C element that is thrown away: NaN and Inf in real entries propagate exactly.
 *
 * <p>Block sizes, for this machine (AMD EPYC, Zen 5: 48 KiB L1d and 1 MiB L2 per core, 32 MiB L3):
 * KC = 256 makes the B sliver 256·32·4 B = 32 KiB, which stays in L1 next to the 8 KiB A sliver;
 * MC = 192 makes the A block 192 KiB, a fifth of L2, so it survives the B sliver traffic; NC = 4096
 * makes the B panel 4 MiB, an L3-resident slab shared by nothing else.
 */
final class BlockedGemm {
    static final int KC = 256, MC = 192, NC = 4096;

    private BlockedGemm() { }

    /** Packing buffers, one set per thread and reused across calls (no garbage per GEMM). */
    private static final class Buffers {
        float[] a = new float[0], b = new float[0], tile = new float[0];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** C = op(A)·op(B) for k &gt; 0 on the calling thread; arguments as {@link Gemm#sgemm}. */
    static void run(GemmKernel kern, boolean transA, boolean transB, int m, int n, int k,
                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        blocked(kern, transA, a, aOff, lda, null, 0, 0, transB, m, n, k, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * As {@link #run} with op(A) already packed by {@link #packWhole} (for the same kernel's MR), from its
     * row {@code row0} (a multiple of MR) on: the packing is skipped, so a product repeated with the same A
     * (a convolution's weights, image after image) packs it once.
     */
    static void runPacked(GemmKernel kern, float[] packedA, int packedRows, int row0, boolean transB, int m, int n, int k,
                          float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        blocked(kern, false, null, 0, 0, packedA, packedRows, row0, transB, m, n, k, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * op(A) [m × k] packed whole, in the order the loops below read it: for each k block pc (KC wide), its
     * rows as MR-row slivers ({@link #packA}'s layout), slab pc at pc · roundUp(m, MR), row i's sliver at
     * i · kc within it.
     */
    static float[] packWhole(GemmKernel kern, boolean transA, float[] a, int aOff, int lda, int m, int k) {
        int mr = kern.mr(), mp = roundUp(m, mr);
        float[] dst = new float[mp * k];
        for (int pc = 0; pc < k; pc += KC) packA(transA, a, aOff, lda, 0, m, pc, Math.min(KC, k - pc), mr, dst, pc * mp);
        return dst;
    }

    /**
     * The five loops. A is packed here per (ic, pc) block, or, when {@code packed} is given, read from it:
     * packedRows = roundUp(M, MR) of the whole packed A, packedRow0 = this product's first row in it.
     */
    private static void blocked(GemmKernel kern, boolean transA, float[] a, int aOff, int lda, float[] packed, int packedRows, int packedRow0,
                                boolean transB, int m, int n, int k, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        int mr = kern.mr(), nr = kern.nr();
        Buffers buf = BUFFERS.get();
        int kcMax = Math.min(KC, k);
        float[] pa = packed != null ? null : (buf.a = grow(buf.a, roundUp(Math.min(MC, m), mr) * kcMax));
        float[] pb = buf.b = grow(buf.b, roundUp(Math.min(NC, n), nr) * kcMax);
        float[] tile = buf.tile = grow(buf.tile, mr * nr);
        for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f); // kernels add into C
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, nr, pb);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic), a0;
                    float[] ap;
                    if (packed == null) {
                        packA(transA, a, aOff, lda, ic, mc, pc, kc, mr, pa, 0);
                        ap = pa;
                        a0 = 0;
                    } else {
                        ap = packed;
                        a0 = pc * packedRows + (packedRow0 + ic) * kc;
                    }
                    for (int jr = 0; jr < nc; jr += nr) {
                        int cols = Math.min(nr, nc - jr), bi = jr * kc;
                        for (int ir = 0; ir < mc; ir += mr) {
                            int rows = Math.min(mr, mc - ir), ai = a0 + ir * kc;
                            int ci = cOff + (ic + ir) * ldc + jc + jr;
                            if (rows == mr && cols == nr) {
                                kern.kernel(kc, ap, ai, pb, bi, c, ci, ldc);
                            } else {
                                java.util.Arrays.fill(tile, 0, mr * nr, 0f);
                                kern.kernel(kc, ap, ai, pb, bi, tile, 0, nr);
                                addEdge(tile, nr, rows, cols, c, ci, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs rows [ic, ic+mc) × columns [pc, pc+kc) of op(A) as MR-row slivers: sliver s holds
     * element (ic + s·MR + r, pc + p) at dst[dstOff + s·kc·MR + p·MR + r]; rows past mc are zero.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, int mr, float[] dst, int dstOff) {
        for (int s = 0; s * mr < mc; s++) {
            int base = dstOff + s * kc * mr, i0 = ic + s * mr, rows = Math.min(mr, mc - s * mr);
            if (transA) { // op(A)(i, p) = a[p·lda + i]: a column of A is contiguous across the sliver
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + i0, d = base + p * mr;
                    for (int r = 0; r < rows; r++) dst[d + r] = a[src + r];
                    for (int r = rows; r < mr; r++) dst[d + r] = 0f;
                }
            } else { // op(A)(i, p) = a[i·lda + p]: read each row contiguously, write with stride MR
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i0 + r) * lda + pc;
                    for (int p = 0; p < kc; p++) dst[base + p * mr + r] = a[src + p];
                }
                for (int r = rows; r < mr; r++) {
                    for (int p = 0; p < kc; p++) dst[base + p * mr + r] = 0f;
                }
            }
        }
    }

    /**
     * Packs rows [pc, pc+kc) × columns [jc, jc+nc) of op(B) as NR-column slivers: sliver s holds
     * element (pc + p, jc + s·NR + j) at dst[s·kc·NR + p·NR + j]; columns past nc are zero.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, int nr, float[] dst) {
        for (int s = 0; s * nr < nc; s++) {
            int base = s * kc * nr, j0 = jc + s * nr, cols = Math.min(nr, nc - s * nr);
            if (transB) { // op(B)(p, j) = b[j·ldb + p]: read each column of op(B) contiguously
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (j0 + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) dst[base + p * nr + j] = b[src + p];
                }
                for (int j = cols; j < nr; j++) {
                    for (int p = 0; p < kc; p++) dst[base + p * nr + j] = 0f;
                }
            } else { // op(B)(p, j) = b[p·ldb + j]: each sliver row is one contiguous copy
                for (int p = 0; p < kc; p++) {
                    int d = base + p * nr;
                    System.arraycopy(b, bOff + (pc + p) * ldb + j0, dst, d, cols);
                    if (cols < nr) java.util.Arrays.fill(dst, d + cols, d + nr, 0f);
                }
            }
        }
    }

    /** Adds the valid rows × cols corner of an edge tile, computed in scratch, into C. */
    private static void addEdge(float[] tile, int ldt, int rows, int cols, float[] c, int ci, int ldc) {
        for (int r = 0; r < rows; r++) {
            int co = ci + r * ldc, to = r * ldt;
            for (int j = 0; j < cols; j++) c[co + j] += tile[to + j];
        }
    }

    private static int roundUp(int x, int multiple) { return (x + multiple - 1) / multiple * multiple; }

    private static float[] grow(float[] buf, int size) { return buf.length >= size ? buf : new float[size]; }
}
