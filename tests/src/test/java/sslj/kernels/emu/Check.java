package sslj.kernels.emu;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test helpers: tolerance comparison that prints the first mismatches, and PTX source lookup. */
final class Check {
    private Check() { }

    /** Fails unless |ref - out| <= atol + rtol * |ref| everywhere, listing the first mismatches. */
    static void close(String what, float[] ref, float[] out, float atol, float rtol) {
        StringBuilder bad = new StringBuilder();
        int mismatches = 0;
        for (int i = 0; i < ref.length; i++) {
            boolean ok = Math.abs(ref[i] - out[i]) <= atol + rtol * Math.abs(ref[i])
                    || Float.floatToIntBits(ref[i]) == Float.floatToIntBits(out[i]);
            if (!ok && mismatches++ < 5) bad.append(String.format("%n  [%d] expected %s, got %s", i, ref[i], out[i]));
        }
        if (mismatches > 0) fail(what + ": " + mismatches + " of " + ref.length + " values differ" + bad);
    }

    /** The 1-based line of the first line of resource {@code path} containing {@code text}. */
    static int lineOf(String path, String text) { return lineOf(path, text, null); }

    /** The line of the first occurrence of {@code text} after the first line containing {@code after} (if given). */
    static int lineOf(String path, String text, String after) {
        try (InputStream in = Check.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalArgumentException("no resource " + path);
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            int start = 0;
            if (after != null) while (start < lines.size() && !lines.get(start).contains(after)) start++;
            for (int i = start; i < lines.size(); i++) if (lines.get(i).contains(text)) return i + 1;
            throw new IllegalArgumentException(path + " has no line containing " + text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int blocks(int n, int block) { return Math.max(1, (n + block - 1) / block); }
}
