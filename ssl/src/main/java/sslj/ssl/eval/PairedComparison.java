package sslj.ssl.eval;

import java.util.Locale;

/**
 * Two classifiers scored on the same test images: is the difference in accuracy more than chance? The
 * images both get right or both get wrong say nothing about the difference; only the discordant ones do
 * (McNemar 1947): b images only A gets right, c only B. The accuracy difference is (b − c)/n, with the
 * paired standard error √((b + c)/n − ((b − c)/n)²)/√n, and McNemar's statistic z = (b − c)/√(b + c)
 * (normal approximation, fine once b + c is in the tens). Two independent test sets would have a
 * larger error; on one shared set most images cancel, which is why a 1-point difference on 10,000
 * images can be many standard errors.
 *
 * @param b images A classifies correctly and B does not
 * @param c images B classifies correctly and A does not
 * @param n test images
 */
public record PairedComparison(long b, long c, long n) {
    public PairedComparison {
        if (n < 1 || b < 0 || c < 0 || b + c > n) throw new IllegalArgumentException("PairedComparison: need n >= 1 and 0 <= b, c, b + c <= n; got b=" + b + " c=" + c + " n=" + n);
    }

    /** Compares A's and B's predictions with the true labels (three arrays of one length). */
    public static PairedComparison of(int[] predA, int[] predB, int[] labels) {
        if (predA.length != labels.length || predB.length != labels.length) {
            throw new IllegalArgumentException("PairedComparison: " + predA.length + " and " + predB.length + " predictions for " + labels.length + " labels");
        }
        if (labels.length == 0) throw new IllegalArgumentException("PairedComparison: no test images");
        long b = 0, c = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean a = predA[i] == labels[i], bb = predB[i] == labels[i];
            if (a && !bb) b++;
            else if (bb && !a) c++;
        }
        return new PairedComparison(b, c, labels.length);
    }

    /** Accuracy of A minus accuracy of B, in [−1, 1]. */
    public double difference() { return (double) (b - c) / n; }

    /** The paired standard error of {@link #difference()}. */
    public double standardError() {
        double d = difference();
        return Math.sqrt(Math.max(0, (double) (b + c) / n - d * d) / n);
    }

    /** McNemar's z = (b − c)/√(b + c); 0 when no image is discordant. */
    public double z() { return b + c == 0 ? 0 : (b - c) / Math.sqrt(b + c); }

    /** E.g. "+2.40 points (95% CI +1.95 to +2.85; McNemar z 10.4; only A right 820, only B right 580)". */
    public String describe(String a, String bName) {
        double d = 100 * difference(), half = 100 * 1.96 * standardError();
        return String.format(Locale.ROOT, "%s vs %s: %+.2f points (95%% CI %+.2f to %+.2f; McNemar z %.1f; only the first right on %d images, only the second on %d, of %d)",
                a, bName, d, d - half, d + half, z(), b, c, n);
    }
}
