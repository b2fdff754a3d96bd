package sslj.tensor;

/**
 * A seeded, counter-based random number generator: Philox4x32-10 (Salmon et al., "Parallel random
 * numbers: as easy as 1, 2, 3", SC'11).
 *
 * <p>Why counter-based: element i of a fill is a pure function of (seed, offset + i/4), so any backend
 * can compute elements in any order, in parallel, and a GPU kernel running the same rounds produces
 * the same numbers as the CPU. A fill of n numbers advances the offset by ⌈n/4⌉ blocks, so successive
 * fills are independent streams and a run with a fixed seed repeats exactly.
 */
public final class Generator {
    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    private final long seed;
    private long offset;

    public Generator(long seed) {
        this.seed = seed;
    }

    public long seed() { return seed; }

    /** The next unused 128-bit block. */
    public synchronized long offset() { return offset; }

    /**
     * Moves the stream to block {@code offset}: how a checkpoint restores a generator, so that a resumed
     * run draws exactly the numbers the uninterrupted run would have drawn.
     */
    public synchronized void setOffset(long offset) {
        if (offset < 0) throw new IllegalArgumentException("setOffset: offset must be >= 0, got " + offset);
        this.offset = offset;
    }

    /** Claims {@code blocks} blocks and returns the first; a fill uses blocks [first, first + blocks). */
    public synchronized long reserve(long blocks) {
        long first = offset;
        offset += blocks;
        return first;
    }

    /** The four 32-bit words of block {@code counter} under key {@code seed}: ten Philox rounds. */
    public static void block(long seed, long counter, int[] out) {
        int c0 = (int) counter, c1 = (int) (counter >>> 32), c2 = 0, c3 = 0;
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
    }

    /** A uniform float in [0, 1) from 24 random bits, so every value is exactly representable. */
    public static float uniform(int word) {
        return (word >>> 8) * 0x1.0p-24f;
    }

    /**
     * Element {@code j} (0..3) of a block as a standard normal: Box–Muller on the word pairs (0,1) and
     * (2,3), the cosine branch for even j and the sine branch for odd j.
     */
    public static float normal(int[] words, int j) {
        int p = (j >> 1) << 1;
        double u1 = ((words[p] & 0xFFFFFFFFL) + 1.0) * 0x1.0p-32; // (0, 1]: log is finite
        double u2 = (words[p + 1] & 0xFFFFFFFFL) * 0x1.0p-32;
        double r = Math.sqrt(-2.0 * Math.log(u1));
        return (float) (r * ((j & 1) == 0 ? Math.cos(2 * Math.PI * u2) : Math.sin(2 * Math.PI * u2)));
    }

    /** A uniform float in [0, 1), for host-side choices (shuffles, augmentation parameters). */
    public float nextFloat() {
        int[] w = new int[4];
        block(seed, reserve(1), w);
        return uniform(w[0]);
    }

    /** A uniform int in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        int[] w = new int[4];
        block(seed, reserve(1), w);
        return (int) (((w[0] & 0xFFFFFFFFL) * bound) >>> 32);
    }
}
